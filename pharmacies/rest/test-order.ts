/**
 * "Send a test order": a sample `vialcart.order.v1` document marked `test: true`, signed and
 * POSTed to a pharmacy's endpoint exactly as a real order is, so an administrator onboarding the
 * pharmacy sees its answer (status, time, the start of its body) or why it could not be reached.
 */
import { signPayload } from '../signature';
import { orderDocumentV1Schema, type OrderDocumentV1 } from '../types';
import { deadline, describeFetchError } from './http';

/** What the pharmacy answered, or why nothing was answered. */
export type TestOrderAnswer =
  | { kind: 'answered'; status: number; ms: number; excerpt: string; contentType: string | null }
  | { kind: 'unreachable'; ms: number; reason: 'timeout' | 'refused' | 'dns' | 'tls' | 'network'; message: string };

/** How much of the answer's body is kept to show. */
export const EXCERPT_CHARS = 500;

/** A sample order for `pharmacy`: one made-up patient, prescriber and line; `test: true`. */
export function sampleTestOrder(pharmacy: { id: string; slug: string }, ids: { orderId: string; messageId: string }, at: Date): OrderDocumentV1 {
  const address = { line1: '100 Test Street', line2: null, city: 'Sacramento', state: 'CA', postalCode: '95818' };
  return orderDocumentV1Schema.parse({
    schema: 'vialcart.order.v1',
    test: true,
    messageId: ids.messageId,
    orderId: ids.orderId,
    createdAt: at.toISOString(),
    pharmacy: { id: pharmacy.id, slug: pharmacy.slug },
    clinic: { id: 'test-clinic', name: 'vialcart test clinic (not a real order)', phone: null, email: null, address },
    shipTo: { kind: 'clinic', name: 'vialcart test clinic', attention: 'Test order: do not fill', address },
    prescribers: [{ id: 'test-prescriber', name: 'Dr. Test Order', license: { number: 'TEST-0000', state: 'CA' }, deaNumber: null }],
    patients: [{ id: 'test-patient', name: 'Test', species: 'cat', sex: 'unknown', birthDate: null, weightKg: 4.2, weightMeasuredOn: null, owner: { name: 'Test Owner', phone: null, email: null } }],
    lines: [
      {
        lineId: 'test-line',
        patientId: 'test-patient',
        prescriberId: 'test-prescriber',
        product: { name: 'Test medication (do not fill)', sku: 'TEST-SKU' },
        strength: '1 mg/mL',
        form: 'oral suspension',
        flavor: null,
        quantity: { value: 1, unit: 'bottle' },
        daysSupply: 30,
        refills: 0,
        dateWritten: at.toISOString().slice(0, 10),
        sig: { text: 'Test order: do not fill.', parsed: null },
        deaSchedule: null,
        needByDate: null,
        signatureRequired: false,
      },
    ],
  });
}

function reasonOf(message: string, timedOut: boolean): Extract<TestOrderAnswer, { kind: 'unreachable' }>['reason'] {
  if (timedOut) return 'timeout';
  if (/ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH/.test(message)) return 'refused';
  if (/ENOTFOUND|EAI_AGAIN/.test(message)) return 'dns';
  if (/certificate|SSL|TLS/i.test(message)) return 'tls';
  return 'network';
}

/** POSTs `doc` signed with `secret` (as `postOrder` does) and reports the answer; never throws for a network failure. */
export async function postTestOrder(endpoint: string, secret: string, doc: OrderDocumentV1, options: { now: () => Date; timeoutMs: number; fetch?: typeof fetch }): Promise<TestOrderAnswer> {
  const body = JSON.stringify(doc);
  const timestamp = Math.floor(options.now().getTime() / 1000);
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    const response = await (options.fetch ?? fetch)(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Vialcart-Signature': signPayload(secret, body, timestamp), 'Idempotency-Key': doc.orderId, 'Vialcart-Test': '1' },
      body,
      redirect: 'manual',
      signal: deadline(options.timeoutMs),
    });
    const text = await response.text();
    return { kind: 'answered', status: response.status, ms: ms(), excerpt: text.slice(0, EXCERPT_CHARS), contentType: response.headers.get('content-type') };
  } catch (error) {
    const { timedOut, message } = describeFetchError(error, options.timeoutMs);
    return { kind: 'unreachable', ms: ms(), reason: reasonOf(message, timedOut), message };
  }
}
