import { FormField } from './form-field';
import type { PharmacyFieldsProps } from './pharmacy-fields';

/** How a pharmacy receives orders: its REST endpoint (signed POSTs) or the portal only. */
export function ConnectionFields({ register, errorOf, kind }: PharmacyFieldsProps & { kind: string }) {
  return (
    <fieldset className="stack-sm">
      <legend>How it receives orders</legend>
      <div className="stack-sm" role="radiogroup" aria-label="How it receives orders">
        <label className="check">
          <input type="radio" value="rest" {...register('connectionKind')} /> REST endpoint: vialcart posts each order, signed, to the pharmacy's system
        </label>
        <label className="check">
          <input type="radio" value="portal" {...register('connectionKind')} /> Portal only: its pharmacists see and answer orders in vialcart
        </label>
      </div>
      {errorOf('connectionKind') ? (
        <p className="form-error" role="alert">
          {errorOf('connectionKind')}
        </p>
      ) : null}
      {kind === 'rest' ? (
        <FormField
          label="Order endpoint URL"
          type="url"
          autoComplete="off"
          required
          hint="Orders are POSTed here as vialcart.order.v1 documents with a Vialcart-Signature header."
          error={errorOf('endpoint')}
          {...register('endpoint')}
        />
      ) : (
        <input type="hidden" {...register('endpoint')} />
      )}
    </fieldset>
  );
}

/** A secret shown once, right after it was made: the page never shows it again. */
export function SecretOnce({ secret, what }: { secret: string; what: string }) {
  return (
    <div className="card card--padded stack-sm" role="status" aria-labelledby="secret-once-heading">
      <h2 id="secret-once-heading">The new {what}: copy it now</h2>
      <p>
        Give it to the pharmacy over a safe channel. vialcart shows it only this once; afterwards its page shows its last characters. Orders are signed with it, and the pharmacy signs its status
        events with it.
      </p>
      <p>
        <code className="secret" data-testid="secret-once">
          {secret}
        </code>
      </p>
    </div>
  );
}
