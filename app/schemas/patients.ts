import { z } from 'zod';
import { EXAM_KINDS, PATIENT_SEXES, PATIENT_STATUSES, SPECIES, WEIGHT_UNITS } from '../../validators/vocabulary';
import { checkbox, dateField, nameField, optionalDateField, optionalNotes, optionalText, optionalWholeNumber } from './fields';

/**
 * Patients, their weights and exams: the forms (values posted as strings) and the API's
 * bodies and queries. Form and API answer the records service's input shapes.
 */

/** `GET /api/v1/patients` query. */
export const patientListQuerySchema = z.object({
  q: z.string().max(100).optional(),
  status: z.enum(PATIENT_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/** `GET /api/v1/refill-day` query. */
/** The /patients page's address: a bad value falls back to the default (a link is never refused). */
export const patientsPageQuerySchema = z.object({
  // Kept whole (cut only far past any name): a search too long to match finds nothing, never everyone.
  q: z
    .string()
    .catch('')
    .transform((q) => q.slice(0, 500)),
  status: z.enum(PATIENT_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).catch(1),
});

export const refillDayQuerySchema = z.object({ withinDays: z.coerce.number().int().min(0).max(365).default(14) });

const species = z.enum(SPECIES, { error: `Choose a species from the list (${SPECIES.join(', ')}).` });
const sex = z.enum(PATIENT_SEXES, { error: 'Choose the sex and neuter status.' });
const status = z.enum(PATIENT_STATUSES, { error: 'Choose active, inactive or deceased.' });

/** A deceased date only goes with the deceased status. */
function deceasedDateFits(v: { status?: string; deceasedOn?: string | null }, ctx: z.RefinementCtx) {
  if (v.deceasedOn && v.status !== undefined && v.status !== 'deceased') {
    ctx.addIssue({ code: 'custom', path: ['deceasedOn'], message: 'A date of death goes with the status “deceased”.' });
  }
}

/** The patient form (new and edit). A birth date, or an age estimate in years and months. */
export const patientFormSchema = z
  .object({
    ownerId: z.uuid({ message: 'Pick the owner.' }),
    name: nameField('pet’s name', 60),
    species,
    breed: optionalText('breed', 60),
    sex,
    birthDate: optionalDateField('birth date'),
    ageYears: optionalWholeNumber('age in years', 0, 60),
    ageMonths: optionalWholeNumber('months', 0, 11),
    status,
    deceasedOn: optionalDateField('date of death'),
    pimsId: optionalText('PIMS id', 50),
    allergies: optionalNotes('allergies', 1000),
    notes: optionalNotes('notes', 4000),
    allowDuplicate: checkbox,
  })
  .superRefine((v, ctx) => {
    if (v.birthDate && (v.ageYears !== null || v.ageMonths !== null)) {
      ctx.addIssue({ code: 'custom', path: ['ageYears'], message: 'Give a birth date or an age, not both.' });
    }
    deceasedDateFits(v, ctx);
  })
  .transform(({ ageYears, ageMonths, allowDuplicate, ...rest }) => ({
    patient: { ...rest, ageEstimate: ageYears !== null || ageMonths !== null ? { years: ageYears ?? 0, months: ageMonths ?? 0 } : null },
    allowDuplicate,
  }));
export type PatientForm = z.input<typeof patientFormSchema>;

/** The patient form's values for a patient on file (edit), or a new pet's of `ownerId`. */
export function patientFormValues(
  ownerId: string,
  patient: {
    name: string; species: string; breed: string | null; sex: string; birthDate: string | null; status: string; deceasedOn: string | null;
    pimsId: string | null; allergies: string | null; notes: string | null;
  } | null,
): PatientForm {
  return {
    ownerId, name: patient?.name ?? '', species: (patient?.species ?? '') as PatientForm['species'], breed: patient?.breed ?? '',
    sex: (patient?.sex ?? 'unknown') as PatientForm['sex'], birthDate: patient?.birthDate ?? '', ageYears: '', ageMonths: '',
    status: (patient?.status ?? 'active') as PatientForm['status'], deceasedOn: patient?.deceasedOn ?? '', pimsId: patient?.pimsId ?? '',
    allergies: patient?.allergies ?? '', notes: patient?.notes ?? '', allowDuplicate: false,
  };
}

const ageEstimate = z.object({
  years: z.number().int().min(0).max(60),
  months: z.number().int().min(0).max(11).default(0),
});

const apiPatientFields = {
  ownerId: z.uuid({ message: 'Give the owner’s id.' }),
  name: nameField('name', 60),
  species,
  breed: optionalText('breed', 60),
  sex: sex.optional(),
  birthDate: dateField('birth date').nullish(),
  ageEstimate: ageEstimate.nullish(),
  status: status.optional(),
  deceasedOn: dateField('date of death').nullish(),
  pimsId: optionalText('PIMS id', 50),
  allergies: optionalNotes('allergies', 1000),
  notes: optionalNotes('notes', 4000),
};

function oneBirth(v: { birthDate?: string | null; ageEstimate?: unknown }, ctx: z.RefinementCtx) {
  if (v.birthDate && v.ageEstimate) ctx.addIssue({ code: 'custom', path: ['ageEstimate'], message: 'Give birthDate or ageEstimate, not both.' });
}

/** `POST /api/v1/patients` (API.md fields, plus allergies, notes, an age estimate and `allowDuplicate`). */
export const apiPatientSchema = z
  .object({ ...apiPatientFields, allowDuplicate: z.boolean().optional() })
  .superRefine((v, ctx) => {
    oneBirth(v, ctx);
    deceasedDateFits({ status: v.status ?? 'active', deceasedOn: v.deceasedOn }, ctx);
  })
  .transform(({ allowDuplicate, ...v }) => ({
    patient: {
      ...v,
      sex: v.sex ?? ('unknown' as const),
      birthDate: v.birthDate ?? null,
      ageEstimate: v.ageEstimate ?? null,
      status: v.status ?? ('active' as const),
      deceasedOn: v.deceasedOn ?? null,
    },
    allowDuplicate: allowDuplicate ?? false,
  }));

/** `PATCH /api/v1/patients/:id`: any create field; `null` clears an optional one. */
export const apiPatientPatchSchema = z
  .object({
    ownerId: apiPatientFields.ownerId.optional(),
    name: apiPatientFields.name.optional(),
    species: species.optional(),
    breed: apiPatientFields.breed.optional(),
    sex: apiPatientFields.sex,
    birthDate: apiPatientFields.birthDate,
    ageEstimate: apiPatientFields.ageEstimate,
    status: apiPatientFields.status,
    deceasedOn: apiPatientFields.deceasedOn,
    pimsId: apiPatientFields.pimsId.optional(),
    allergies: apiPatientFields.allergies.optional(),
    notes: apiPatientFields.notes.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    oneBirth(v, ctx);
    deceasedDateFits(v, ctx);
  });

/** A weight as typed: a positive number. */
export const weightValue = z
  .union([z.string().trim(), z.number()])
  .transform((v, ctx) => {
    const n = typeof v === 'number' ? v : Number(v.replace(',', '.'));
    if (v === '' || !Number.isFinite(n) || n <= 0) {
      ctx.addIssue({ code: 'custom', message: 'Enter a weight above 0, like 4.2.' });
      return z.NEVER;
    }
    if (n >= 10_000) {
      ctx.addIssue({ code: 'custom', message: 'That weight is too large for any patient.' });
      return z.NEVER;
    }
    return n;
  });

/** "Record weight" on the patient page. Outside the species' range, "Weight is correct" and a reason. */
export const weightFormSchema = z
  .object({
    value: weightValue,
    unit: z.enum(WEIGHT_UNITS, { error: 'Choose kg or lb.' }),
    measuredOn: dateField('date weighed'),
    override: checkbox,
    overrideReason: optionalText('reason', 300),
  })
  .superRefine((v, ctx) => {
    if (v.override && !v.overrideReason) ctx.addIssue({ code: 'custom', path: ['overrideReason'], message: 'Say why this weight is right.' });
  })
  .transform(({ override, overrideReason, ...v }) => ({ ...v, overrideReason: override ? overrideReason : null }));
export type WeightForm = z.input<typeof weightFormSchema>;

/** `POST /api/v1/patients/:id/weights`. */
export const apiWeightSchema = z.object({
  kg: z.number({ error: 'Give the weight in kg, a number above 0.' }).positive('Give the weight in kg, a number above 0.').max(10_000),
  measuredOn: dateField('date weighed').optional(),
  overrideReason: optionalText('override reason', 300).optional(),
  actingUserId: z.uuid({ message: 'Give a user id of this clinic.' }).optional(),
});

/** "Record exam" on the patient page. */
export const examFormSchema = z.object({
  on: dateField('exam date'),
  kind: z.enum(EXAM_KINDS, { error: 'Choose wellness or other.' }),
  note: optionalText('note', 300),
});
export type ExamForm = z.input<typeof examFormSchema>;

/** `POST /api/v1/patients/:id/exams`. */
export const apiExamSchema = z.object({
  on: dateField('exam date').optional(),
  kind: z.enum(EXAM_KINDS, { error: 'Use kind "wellness" or "other".' }).optional(),
  note: optionalText('note', 300).optional(),
  actingUserId: z.uuid({ message: 'Give a user id of this clinic.' }).optional(),
});

/** A manager's merge: the record that goes away into the one that stays. */
export const mergeFormSchema = z.object({
  mergedId: z.uuid({ message: 'Pick the record to merge.' }),
  confirm: checkbox.refine((v) => v, 'Tick to confirm: the other record’s history moves here and it leaves the lists.'),
});
export type MergeForm = z.input<typeof mergeFormSchema>;

/** A patient page's history buttons: reorder a past order's lines, or quickfill one past line. */
export const patientHistoryActionSchema = z.discriminatedUnion(
  'intent',
  [
    z.object({ intent: z.literal('reorder'), orderId: z.uuid({ message: 'This order is not in the history any more: reload the page.' }) }),
    z.object({
      intent: z.literal('quickfill'),
      orderLineId: z.uuid({ message: 'This line is not in the history any more: reload the page.' }),
      // The proposal's "Use <pharmacy> instead" names the offer; blank means the same offer again.
      offerId: z.union([z.literal(''), z.uuid({ message: 'Reload the page: that offer is gone.' })]).optional().transform((v) => v || undefined),
    }),
  ],
  { error: 'Unknown action.' },
);
