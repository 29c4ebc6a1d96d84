/** A one-button form that posts an intent for one line (with its version), busy while it is on its way. */
import { Form, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import type { RefillDayIntent } from '~/schemas/refill-day';
import type { Line } from './types';

export function LineButton({ line, intent, fields, children }: { line: Line; intent: RefillDayIntent; fields: Record<string, string>; children: React.ReactNode }) {
  const navigation = useNavigation();
  const busy = navigation.state === 'submitting' && navigation.formData?.get('lineId') === line.id && navigation.formData?.get('intent') === intent;
  return (
    <Form method="post" replace preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="lineId" value={line.id} />
      <input type="hidden" name="version" value={line.version} />
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <Button size="sm" loading={busy}>
        {children}
      </Button>
    </Form>
  );
}
