import { FormField } from '~/components/form-field';
import { US_STATE_NAMES, USPS_CODES } from '../../../validators/vocabulary';
import type { Bind } from './bind';
import { CheckboxField } from './checkbox-field';

/** The owner form's fields (new and edit owner): name, phones, email, address, contact preferences. */
export function OwnerFields({ bind }: { bind: Bind }) {
  return (
    <>
      <fieldset className="stack-sm">
        <legend>Name</legend>
        <div className="grid">
          <FormField label="First name" required autoComplete="off" {...bind('firstName')} />
          <FormField label="Last name" required autoComplete="off" {...bind('lastName')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Contact</legend>
        <div className="grid">
          <FormField label="Phone" type="tel" inputMode="tel" hint="With the area code, like (916) 555-0123." autoComplete="off" {...bind('phone')} />
          <FormField label="Second phone" type="tel" inputMode="tel" autoComplete="off" {...bind('phone2')} />
          <FormField label="Email" type="email" autoComplete="off" {...bind('email')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Address</legend>
        <FormField label="Street address" autoComplete="off" {...bind('addressLine1')} />
        <FormField label="Apartment, suite (optional)" autoComplete="off" {...bind('addressLine2')} />
        <div className="grid">
          <FormField label="City" autoComplete="off" {...bind('city')} />
          <FormField label="State" as="select" {...bind('state')}>
            <option value="">Choose a state</option>
            {USPS_CODES.map((code) => (
              <option key={code} value={code}>
                {code} — {(US_STATE_NAMES as Record<string, string>)[code] ?? code}
              </option>
            ))}
          </FormField>
          <FormField label="ZIP code" inputMode="numeric" autoComplete="off" {...bind('zip')} />
        </div>
      </fieldset>
      <fieldset className="stack-sm">
        <legend>Messages</legend>
        <FormField label="Preferred channel" as="select" hint="How refill notices and reminders reach the owner." {...bind('preferredChannel')}>
          <option value="email">Email</option>
          <option value="sms">Text message</option>
          <option value="none">None</option>
        </FormField>
        <CheckboxField label="Agrees to emails" {...bind('emailOptIn')} />
        <CheckboxField label="Agrees to text messages" hint="Only with the owner’s consent." {...bind('smsOptIn')} />
        <FormField label="PIMS id (optional)" autoComplete="off" {...bind('pimsId')} />
      </fieldset>
    </>
  );
}
