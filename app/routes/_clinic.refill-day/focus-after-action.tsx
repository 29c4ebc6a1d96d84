/**
 * Where the keyboard goes after a cart action: the action's button often disappears with the
 * finding it fixed, and focus would fall to the page's body. Instead it moves to the next thing
 * to do — the line's next finding control, else the next line's first one — or, when nothing
 * is left to do, to the line itself (its heading cell), and the page's live region says what
 * happened and where focus went.
 */
import { useEffect, useState } from 'react';
import type { ActionResult } from './types';

/** A finding's control: a fix, an acknowledgement, a sign-off or a weight form. */
const FINDING_CONTROLS = '.cart-line__findings button:not([disabled]), .cart-line__findings summary';

function rowsOf(lineId: string): Element[] {
  return [...document.querySelectorAll(`[data-line-id="${CSS.escape(lineId)}"]`)];
}

/** The control to focus after an action on `lineId`, and words for where it is. */
function nextFocus(lineId: string | undefined): { el: HTMLElement; where: string } | null {
  const undo = document.querySelector<HTMLElement>('.cart-undo button');
  if (!lineId) return null;
  const rows = rowsOf(lineId);
  if (rows.length === 0) return undo ? { el: undo, where: 'Undo remove' } : null;
  const own = rows.flatMap((r) => [...r.querySelectorAll<HTMLElement>(FINDING_CONTROLS)]);
  if (own[0]) return { el: own[0], where: 'the line’s next finding' };
  // The next line (in page order) that still asks for something.
  const all = [...document.querySelectorAll<HTMLElement>(FINDING_CONTROLS)];
  const last = rows[rows.length - 1]!;
  const after = all.find((el) => last.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  if (after) return { el: after, where: `${after.closest<HTMLElement>('[data-line-label]')?.dataset.lineLabel ?? 'the next line'}, the next line with findings` };
  const head = rows[0]!.querySelector<HTMLElement>('.cart-line__head');
  return head ? { el: head, where: 'the line, which has nothing left to do' } : null;
}

/**
 * Moves focus after each answer of the page's action (not after an add, which keeps the
 * fast-entry row, nor an edit that failed) and returns the sentence for the live region.
 */
export function useFocusAfterAction(actionData: ActionResult | undefined): string {
  const [said, setSaid] = useState('');
  useEffect(() => {
    if (!actionData || actionData.intent === 'add') return;
    if (!actionData.ok && !actionData.conflict) return;
    // After React has drawn the revalidated cart.
    const frame = requestAnimationFrame(() => {
      const next = nextFocus(actionData.lineId);
      if (!next) return;
      next.el.focus();
      setSaid(`Focus moved to ${next.where}.`);
    });
    return () => cancelAnimationFrame(frame);
  }, [actionData]);
  return said;
}
