import { US_STATE_CODES, US_STATE_NAMES } from '../../validators/vocabulary';
import { FormField } from './form-field';

/** What the pharmacy fields need of the page's react-hook-form (`useRemixForm`). */
export interface PharmacyFieldsProps {
  register: (name: string) => Record<string, unknown> & { name: string };
  errorOf: (name: string) => string | undefined;
}

/** A USPS state select (ship-to licences, resident state). */
export function StateOptions() {
  return (
    <>
      <option value="">Choose…</option>
      {US_STATE_CODES.map((code) => (
        <option key={code} value={code}>
          {code} — {US_STATE_NAMES[code]}
        </option>
      ))}
    </>
  );
}

/**
 * The fields of a pharmacy as the admin sets them (app/schemas/pharmacies.ts): identity and
 * licences, contact, fees and turnaround.
 */
export function PharmacyFields({ register, errorOf }: PharmacyFieldsProps) {
  return (
    <>
      <fieldset className="stack-sm">
        <legend>Pharmacy</legend>
        <div className="grid">
          <FormField label="Name" required error={errorOf('name')} {...register('name')} />
          <FormField label="Slug" required hint="Its short name in feeds, folders and the order document. Lower-case letters, digits and dashes." error={errorOf('slug')} {...register('slug')} />
          <FormField label="Resident state" as="select" required error={errorOf('residentState')} {...register('residentState')}>
            <StateOptions />
          </FormField>
          <FormField label="503A licence number" required hint="The resident state's pharmacy licence." error={errorOf('license503a')} {...register('license503a')} />
          <FormField label="NABP number" hint="7 digits, if it has one." inputMode="numeric" error={errorOf('nabpNumber')} {...register('nabpNumber')} />
          <FormField label="NPI" hint="10 digits, if it has one." inputMode="numeric" error={errorOf('npi')} {...register('npi')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Contact</legend>
        <div className="grid">
          <FormField label="Contact name" autoComplete="off" error={errorOf('contactName')} {...register('contactName')} />
          <FormField label="Contact email" type="email" autoComplete="off" error={errorOf('email')} {...register('email')} />
          <FormField label="Phone" type="tel" autoComplete="off" error={errorOf('phone')} {...register('phone')} />
          <FormField label="Street address" autoComplete="off" error={errorOf('addressLine1')} {...register('addressLine1')} />
          <FormField label="City" autoComplete="off" error={errorOf('city')} {...register('city')} />
          <FormField label="ZIP code" inputMode="numeric" autoComplete="off" error={errorOf('postalCode')} {...register('postalCode')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Fees and turnaround</legend>
        <div className="grid">
          <FormField label="Shipping per order ($)" inputMode="decimal" required error={errorOf('shipping')} {...register('shipping')} />
          <FormField label="Cold-chain fee ($)" inputMode="decimal" required hint="Added to an order holding a refrigerated product." error={errorOf('coldChain')} {...register('coldChain')} />
          <FormField label="Turnaround (days)" type="number" min={0} max={60} required error={errorOf('turnaroundDays')} {...register('turnaroundDays')} />
        </div>
      </fieldset>
    </>
  );
}
