/** The page's live status: what the last action did (with "Undo remove" after a removal), or what the builder added. */
import { Form, useNavigation } from '@remix-run/react';
import { Button } from '~/components/button';
import type { ActionResult } from './types';

export function StatusLine({ actionData, added }: { actionData: ActionResult | undefined; added: string | null }) {
  const navigation = useNavigation();
  if (actionData?.removed) {
    return (
      <div className="toast toast--info cart-undo" role="status">
        <p className="toast__text">Removed {actionData.removed.label}.</p>
        <Form method="post" replace preventScrollReset>
          <input type="hidden" name="intent" value="undo" />
          <input type="hidden" name="lineId" value={actionData.removed.lineId} />
          <Button size="sm" loading={navigation.state === 'submitting'}>
            Undo remove
          </Button>
        </Form>
      </div>
    );
  }
  const text = actionData?.ok ? actionData.message : actionData?.formError && !actionData.lineId && actionData.intent !== 'add' ? actionData.formError : null;
  const message = text ?? (added ? `Added ${added} ${added === '1' ? 'line' : 'lines'} from the due list.` : null);
  return (
    <div role="status" aria-live="polite" className={message ? 'toast toast--success' : 'visually-hidden'}>
      {message ? <p className="toast__text">{message}</p> : null}
    </div>
  );
}
