/** The line above the cart that says what blocks checkout: errors to fix, warnings to acknowledge. */
import type { Cart } from './types';

export function FindingsSummary({ cart }: { cart: Cart }) {
  const tone = cart.blockingCount > 0 ? 'danger' : cart.warningCount > 0 ? 'warning' : 'success';
  return (
    <section className={`card card--padded findings-summary findings-summary--${tone}`} aria-labelledby="findings-heading">
      <h2 id="findings-heading" className="visually-hidden">
        Checks
      </h2>
      <p id="pay-blocked" role="status">
        {cart.lines.length === 0 ? (
          'Add lines to check them before paying.'
        ) : cart.blockingCount === 0 && cart.warningCount === 0 ? (
          <strong>Every line passes its checks. Ready to review and pay.</strong>
        ) : (
          <>
            <strong>
              {cart.blockingCount} {cart.blockingCount === 1 ? 'error blocks' : 'errors block'} checkout
            </strong>
            {' · '}
            <strong>
              {cart.warningCount} {cart.warningCount === 1 ? 'warning' : 'warnings'} to acknowledge
            </strong>
            . Fix each error and acknowledge each warning on its line to review and pay.
          </>
        )}
      </p>
    </section>
  );
}
