import { jsonResponse } from '~/http/api.server';
import { checkHealth } from '~/services/platform/health.server';

export async function loader() {
  const health = await checkHealth();
  return jsonResponse(health, { status: health.ok ? 200 : 503 });
}
