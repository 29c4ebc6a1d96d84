import { Form, useNavigation } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { PATIENT_SEARCH, type PatientOption } from '~/components/patient-search';
import { Combobox, type ComboboxHandle } from '~/components/combobox';
import { FormField } from '~/components/form-field';
import { formatMoney } from '~/lib/format';
import type { ActionResult, Prescriber } from './types';
import { asDirected, asDirectedWarning } from '../../../validators/sig/as-directed';

type OfferOption = {
  offerId: string;
  medicationName: string;
  pharmacyName: string;
  packageDescription: string;
  landedCostCents: number;
  freeStock: number;
  controlledSchedule: string | null;
  prescription: { id: string; sig: string; prescriberId: string; quantity: number } | null;
};

/**
 * The keyboard-only "add line" row: patient, then medication (the patient's prescriptions
 * first; picking one fills SIG, prescriber and quantity), quantity, SIG, prescriber, ship to,
 * Enter to add. After adding, focus returns to the patient field for the next line.
 */
export function FastEntry({ prescribers, actionData }: { prescribers: Prescriber[]; actionData: ActionResult | undefined }) {
  const navigation = useNavigation();
  const patientRef = useRef<ComboboxHandle>(null);
  const offerRef = useRef<ComboboxHandle>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const [patient, setPatient] = useState<PatientOption | null>(null);
  const [offer, setOffer] = useState<OfferOption | null>(null);
  const [quantity, setQuantity] = useState('1');
  const [sig, setSig] = useState('');
  const sigFlag = asDirected(sig);
  const [prescriberId, setPrescriberId] = useState(prescribers[0]?.id ?? '');
  const [shipTo, setShipTo] = useState<'clinic' | 'owner'>('clinic');
  const submitting = navigation.state === 'submitting' && navigation.formData?.get('intent') === 'add';
  const errors = actionData?.fieldErrors ?? {};

  useEffect(() => {
    if (actionData?.ok) {
      patientRef.current?.reset();
      offerRef.current?.reset();
      setPatient(null);
      setOffer(null);
      setQuantity('1');
      setSig('');
      setShipTo('clinic');
      patientRef.current?.focus();
    }
  }, [actionData]);

  return (
    <section className="card card--padded stack-sm" aria-labelledby="fast-entry-heading">
      <h2 id="fast-entry-heading">Add a line</h2>
      <Form method="post" replace preventScrollReset noValidate ref={formRef} className="fast-entry" aria-describedby={actionData?.formError ? 'fast-entry-error' : undefined}>
        <input type="hidden" name="intent" value="add" />
        <input type="hidden" name="patientId" value={patient?.id ?? ''} />
        <input type="hidden" name="offerId" value={offer?.offerId ?? ''} />
        <input type="hidden" name="prescriptionId" value={offer?.prescription?.id ?? ''} />
        <Combobox<PatientOption>
          ref={patientRef}
          label="Patient"
          placeholder="Pet, owner, phone or PIMS id"
          {...PATIENT_SEARCH}
          onSelect={(p) => {
            setPatient(p);
            setTimeout(() => offerRef.current?.focus(), 0);
          }}
          onClear={() => setPatient(null)}
          error={errors.patientId}
        />
        <Combobox<OfferOption>
          ref={offerRef}
          label="Medication"
          placeholder={patient ? `${patient.name}'s prescriptions, or type` : 'Medication or pharmacy'}
          openOnFocus={!!patient}
          source={(q) => `/refill-day/search-offers?q=${encodeURIComponent(q)}${patient ? `&patientId=${patient.id}` : ''}`}
          getKey={(o) => o.offerId}
          getText={(o) => `${o.medicationName} — ${o.pharmacyName}`}
          renderOption={(o) => (
            <>
              <strong>{o.medicationName}</strong> {o.prescription ? <Badge tone="info">Prescribed</Badge> : null}
              <br />
              <span className="text-sm muted">
                {o.pharmacyName} · {o.packageDescription} · {formatMoney(o.landedCostCents)}/vial landed · {o.freeStock} in stock
              </span>
            </>
          )}
          onSelect={(o) => {
            setOffer(o);
            if (o.prescription) {
              setSig(o.prescription.sig);
              setPrescriberId(o.prescription.prescriberId);
              setQuantity(String(o.prescription.quantity || 1));
            }
          }}
          onClear={() => setOffer(null)}
          error={errors.offerId}
        />
        <FormField label="Qty" name="quantity" type="number" min={1} max={10000} inputMode="numeric" value={quantity} onChange={(e) => setQuantity(e.target.value)} error={errors.quantity} className="fast-entry__qty" />
        <FormField label="SIG" name="sig" value={sig} onChange={(e) => setSig(e.target.value)} error={errors.sig} className="fast-entry__sig" hint={sigFlag ? <span className="sig-missing">{asDirectedWarning(sigFlag)}</span> : offer?.prescription ? 'From the active prescription' : undefined} />
        <FormField label="Prescriber" name="prescriberId" as="select" value={prescriberId} onChange={(e) => setPrescriberId(e.target.value)} error={errors.prescriberId}>
          {prescribers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FormField>
        <FormField label="Ship to" name="shipTo" as="select" value={shipTo} onChange={(e) => setShipTo(e.target.value as 'clinic' | 'owner')} error={errors.shipTo}>
          <option value="clinic">Clinic</option>
          <option value="owner">Owner</option>
        </FormField>
        <Button variant="primary" loading={submitting} className="fast-entry__add">
          Add line
        </Button>
      </Form>
      {actionData?.formError ? (
        <p className="form-error" role="alert" id="fast-entry-error">
          {actionData.formError}
        </p>
      ) : null}
    </section>
  );
}
