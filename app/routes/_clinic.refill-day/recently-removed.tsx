/** The last lines removed from the cart, each with "Undo remove". */
import { Form } from '@remix-run/react';
import { Button } from '~/components/button';
import type { Cart } from './types';

export function RecentlyRemoved({ cart }: { cart: Cart }) {
  if (cart.recentlyRemoved.length === 0) return null;
  return (
    <details className="recently-removed">
      <summary>Recently removed ({cart.recentlyRemoved.length})</summary>
      <ul className="stack-sm">
        {cart.recentlyRemoved.map((r) => (
          <li key={r.id} className="cluster">
            <span>
              {r.patientName} · {r.medicationName}
            </span>
            <Form method="post" replace preventScrollReset>
              <input type="hidden" name="intent" value="undo" />
              <input type="hidden" name="lineId" value={r.id} />
              <Button size="sm" variant="ghost">
                Undo remove
              </Button>
            </Form>
          </li>
        ))}
      </ul>
    </details>
  );
}
