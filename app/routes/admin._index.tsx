import { redirect, type LoaderFunctionArgs } from '@remix-run/node';
import { requireUser } from '~/services/identity/auth.server';

export async function loader({ request }: LoaderFunctionArgs) {
  await requireUser(request, { area: 'admin', roles: ['admin'] });
  return redirect('/admin/clinics');
}
