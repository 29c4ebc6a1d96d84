/**
 * The clinic API's writes about prescriptions (docs/records.md, "API"): write, renew and
 * discontinue for the veterinarian named by `actingUserId`, add a DEA registration, and ask for
 * renewals. Each runs once per `Idempotency-Key`: the same key and body replay the first answer,
 * committed with the work it answers. The routes choose the status (201 for the creates, 200 for
 * discontinuing).
 */
import { createOnce } from '../platform/idempotency.server';
import { clinicScope, type Principal } from '../identity/principal';
import { addDeaRegistrationIn, type DeaRegistrationInput } from './prescribers-credentials.server';
import { discontinuePrescriptionIn, writePrescriptionIn, type PrescriptionInput, type RenewalInput } from './prescriptions-write.server';
import { renewPrescriptionIn } from './prescriptions-renew.server';
import { requestRenewalsIn } from './renewals.server';

type Once = { idempotencyKey?: string | null };
const scope = (principal: Principal, what: string) => `clinic:${clinicScope(principal)}:${what}`;

/** `POST /api/v1/prescriptions` → 201 `{prescription}`. */
export function writePrescriptionAnswer(principal: Principal, body: PrescriptionInput & { actingUserId: string }, opts: Once = {}) {
  const { actingUserId, ...input } = body;
  return createOnce(scope(principal, 'prescriptions'), opts.idempotencyKey, body, async (tx) => ({ prescription: await writePrescriptionIn(tx, principal, input, { actingUserId }) }));
}

/** `POST /api/v1/prescriptions/:id/renew` → 201 `{prescription}` (the renewal, `supersedesId` naming the old one). */
export function renewPrescriptionAnswer(principal: Principal, id: string, body: RenewalInput & { actingUserId: string }, opts: Once = {}) {
  const { actingUserId, ...input } = body;
  return createOnce(scope(principal, `prescriptions:${id}:renew`), opts.idempotencyKey, body, async (tx) => ({ prescription: await renewPrescriptionIn(tx, principal, id, input, { actingUserId }) }));
}

/** `POST /api/v1/prescriptions/:id/discontinue` → 200 `{prescription}` with `status: "discontinued"`. */
export function discontinuePrescriptionAnswer(principal: Principal, id: string, body: { actingUserId: string; reason: string }, opts: Once = {}) {
  return createOnce(scope(principal, `prescriptions:${id}:discontinue`), opts.idempotencyKey, body, async (tx) => ({ prescription: await discontinuePrescriptionIn(tx, principal, id, { reason: body.reason }, { actingUserId: body.actingUserId }) }));
}

/** `POST /api/v1/prescribers/:id/dea-registrations` → 201 `{deaRegistration}`; a bad check digit is 400 on `number`. */
export function addDeaRegistrationAnswer(principal: Principal, prescriberId: string, body: DeaRegistrationInput, opts: Once = {}) {
  return createOnce(scope(principal, `prescribers:${prescriberId}:dea`), opts.idempotencyKey, body, async (tx) => {
    const added = await addDeaRegistrationIn(tx, principal, { prescriberId }, body);
    return { deaRegistration: { ...added.deaRegistration, prescriberId: added.prescriberId } };
  });
}

/** `POST /api/v1/renewal-requests` → 201 `{requests}` (an already waiting prescription answers its open request). */
export function requestRenewalsAnswer(principal: Principal, body: { prescriptionIds: string[]; note?: string | null }, opts: Once = {}) {
  return createOnce(scope(principal, 'renewal-requests'), opts.idempotencyKey, body, async (tx) => ({ requests: await requestRenewalsIn(tx, principal, body.prescriptionIds.map((prescriptionId) => ({ prescriptionId, note: body.note ?? null }))) }));
}
