import { OpenAPIRegistry, OpenApiGeneratorV31, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { orderStatusEventSchema } from '../../pharmacies/types';
import { acknowledgementSchema, addCartLinesSchema, lineSignoffSchema, optimizeCartSchema, undoOptimizationSchema, updateCartLineSchema } from '~/schemas/cart';
import { catalogQuerySchema } from '~/schemas/catalog';
import { checkoutSchema } from '~/schemas/checkout';
import { orderListQuerySchema } from '~/schemas/orders';
import { apiOwnerPatchSchema, apiOwnerSchema, ownerListQuerySchema } from '~/schemas/owners';
import { apiExamSchema, apiPatientPatchSchema, apiPatientSchema, apiWeightSchema, patientListQuerySchema, refillDayQuerySchema } from '~/schemas/patients';
import { apiDiscontinueSchema, apiPrescriptionSchema, apiRenewSchema, apiRenewalRequestSchema, deaRegistrationSchema, prescriptionListQuerySchema } from '~/schemas/prescriptions';
import { apiRefillRequestSchema, decisionSchema, listRequestsQuerySchema } from '~/schemas/refill-request';
import { validateBodySchema } from '~/schemas/validate';
import { twilioIncomingSchema } from '~/schemas/sms';

extendZodWithOpenApi(z);

// The OpenAPI document of API.md, generated from the same zod schemas the routes validate
// requests with, so the contract cannot drift from the code.

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

type Method = 'get' | 'post' | 'patch' | 'delete';
type Endpoint = {
  method: Method;
  path: string;
  summary: string;
  security: 'clinicKey' | 'pharmacyKey' | 'stripeSignature' | 'intakeSignature' | 'twilioSignature';
  query?: z.ZodObject;
  body?: z.ZodType;
  /** A form-encoded body (Twilio's webhooks). */
  form?: z.ZodType;
  params?: string[];
  idempotent?: boolean;
  statuses?: number[];
};

const ENDPOINTS: Endpoint[] = [
  { method: 'get', path: '/api/v1/catalog', summary: 'Medications with every pharmacy offer and the landed cost per vial', security: 'clinicKey', query: catalogQuerySchema },
  { method: 'get', path: '/api/v1/patients', summary: "The clinic's patients", security: 'clinicKey', query: patientListQuerySchema },
  { method: 'get', path: '/api/v1/patients/{id}', summary: 'One patient with owner, prescriptions, order lines, weights and exams (weightKg, weightMeasuredOn and lastWellnessExamOn are the latest)', security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/v1/patients', summary: 'Create a patient of an owner; a possible duplicate (same pet name and species, owner with the same phone) answers 409 with the candidates unless allowDuplicate', security: 'clinicKey', body: apiPatientSchema, idempotent: true, statuses: [409] },
  { method: 'patch', path: '/api/v1/patients/{id}', summary: "Change a patient; marking it deceased cancels its open cart lines and requests and stops reminders (answered in `effects`)", security: 'clinicKey', body: apiPatientPatchSchema, params: ['id'], statuses: [404, 409] },
  { method: 'get', path: '/api/v1/patients/{id}/weights', summary: "The patient's weighings, latest first", security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/v1/patients/{id}/weights', summary: "Record a weight in kg; outside the species' plausible range it needs overrideReason", security: 'clinicKey', body: apiWeightSchema, params: ['id'], idempotent: true, statuses: [404] },
  { method: 'get', path: '/api/v1/patients/{id}/exams', summary: "The patient's exams, latest first", security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/v1/patients/{id}/exams', summary: 'Record an exam (wellness by default); lastWellnessExamOn follows', security: 'clinicKey', body: apiExamSchema, params: ['id'], idempotent: true, statuses: [404] },
  { method: 'get', path: '/api/v1/owners', summary: "The clinic's owners, searchable by name, phone, email or PIMS id", security: 'clinicKey', query: ownerListQuerySchema },
  { method: 'post', path: '/api/v1/owners', summary: 'Create an owner; the same phone or email as an owner on file answers 409 with the candidates unless allowDuplicate', security: 'clinicKey', body: apiOwnerSchema, idempotent: true, statuses: [409] },
  { method: 'get', path: '/api/v1/owners/{id}', summary: 'One owner with their pets', security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'patch', path: '/api/v1/owners/{id}', summary: "Change an owner's name, contact, address or preferences", security: 'clinicKey', body: apiOwnerPatchSchema, params: ['id'], statuses: [404, 409] },
  { method: 'get', path: '/api/v1/pharmacies', summary: 'Partner pharmacies with licensed ship-to states', security: 'clinicKey' },
  { method: 'get', path: '/api/v1/prescribers', summary: 'Prescribers with state licenses and DEA registrations', security: 'clinicKey' },
  { method: 'post', path: '/api/v1/prescribers/{id}/dea-registrations', summary: 'Add a DEA registration; a number with a bad check digit is 400 on fields.number, an expired one 400 on fields.expiresOn', security: 'clinicKey', body: deaRegistrationSchema, params: ['id'], idempotent: true, statuses: [404] },
  { method: 'get', path: '/api/v1/users', summary: "The clinic's staff, each veterinarian with their prescriberId (for actingUserId)", security: 'clinicKey' },
  { method: 'get', path: '/api/v1/prescriptions', summary: "The clinic's prescriptions, newest first (status needs_renewal: expired or out of refills)", security: 'clinicKey', query: prescriptionListQuerySchema },
  { method: 'post', path: '/api/v1/prescriptions', summary: 'A veterinarian (actingUserId) writes a prescription; a user who is not a veterinarian of the clinic is 403, DEA and schedule rules 422 naming the field, a deceased patient 422', security: 'clinicKey', body: apiPrescriptionSchema, idempotent: true, statuses: [403, 404, 422] },
  { method: 'get', path: '/api/v1/prescriptions/{id}', summary: 'One prescription with its lineage, fills, open renewal request and history', security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/v1/prescriptions/{id}/renew', summary: 'The veterinarian (actingUserId) renews it: a new prescription superseding it (supersedesId); cart lines filling the old one follow', security: 'clinicKey', body: apiRenewSchema, params: ['id'], idempotent: true, statuses: [403, 404, 409, 422] },
  { method: 'post', path: '/api/v1/prescriptions/{id}/discontinue', summary: 'The veterinarian (actingUserId) discontinues it with a reason; it leaves the refill-day builder', security: 'clinicKey', body: apiDiscontinueSchema, params: ['id'], idempotent: true, statuses: [403, 404, 409] },
  { method: 'get', path: '/api/v1/renewal-requests', summary: 'Open renewal batches (one per veterinarian, vet_review service level)', security: 'clinicKey' },
  { method: 'post', path: '/api/v1/renewal-requests', summary: "Ask for prescriptions to be renewed; each joins the batch of the veterinarian who can renew it", security: 'clinicKey', body: apiRenewalRequestSchema, idempotent: true, statuses: [404, 409, 422] },
  { method: 'get', path: '/api/v1/refill-day', summary: 'Patients whose supply runs out within N days, with the line to reorder', security: 'clinicKey', query: refillDayQuerySchema },
  { method: 'get', path: '/api/v1/carts/current', summary: "The clinic's open cart with pricing and findings", security: 'clinicKey' },
  { method: 'post', path: '/api/v1/carts/current/lines', summary: 'Add one or many lines (one transaction)', security: 'clinicKey', body: addCartLinesSchema, idempotent: true },
  { method: 'patch', path: '/api/v1/carts/current/lines/{id}', summary: 'Edit a line (its version; stale → 409 with the current values)', security: 'clinicKey', body: updateCartLineSchema, params: ['id'], statuses: [404, 409] },
  { method: 'delete', path: '/api/v1/carts/current/lines/{id}', summary: 'Remove a line', security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/v1/carts/current/lines/{id}/signoff', summary: "A veterinarian signs off the line's content (a key names the veterinarian as actingUserId); contentHash or version is what they were shown (moved on → 409 with the current content)", security: 'clinicKey', body: lineSignoffSchema, params: ['id'], statuses: [403, 404, 409] },
  { method: 'post', path: '/api/v1/carts/current/acknowledgements', summary: 'Acknowledge a warning on a line', security: 'clinicKey', body: acknowledgementSchema, statuses: [422] },
  { method: 'post', path: '/api/v1/validate', summary: 'Validate a cart-shaped body that is not stored', security: 'clinicKey', body: validateBodySchema },
  { method: 'post', path: '/api/v1/carts/current/optimize', summary: 'Optimise pharmacies: a proposal (dryRun, the default: totals before and after, moves with reasons, unplaceable lines, solver), or with dryRun:false and the cart version the proposal applied as one change → the cart and the optimisation id; a stale version → 409; lines pinned in the cart keep their offer', security: 'clinicKey', body: optimizeCartSchema, statuses: [404, 409] },
  { method: 'post', path: '/api/v1/carts/current/optimize/undo', summary: "Undo the cart's latest optimisation: its lines back on their previous offers as one more change → the cart; another optimisation since → 404; undone already or a moved line changed since → 409", security: 'clinicKey', body: undoOptimizationSchema, statuses: [404, 409] },
  { method: 'post', path: '/api/v1/carts/current/checkout', summary: 'Check out the cart version reviewed (a key pays in the name of actingUserId, whose role may pay)', security: 'clinicKey', body: checkoutSchema, statuses: [403, 409, 422] },
  { method: 'get', path: '/api/v1/orders', summary: "The clinic's orders", security: 'clinicKey', query: orderListQuerySchema },
  { method: 'get', path: '/api/v1/orders/{id}', summary: 'One order with events, lines and the authorization chain (audit)', security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/v1/refill-requests', summary: 'Create an owner refill request (matched, checked, routed)', security: 'clinicKey', body: apiRefillRequestSchema, idempotent: true },
  { method: 'get', path: '/api/v1/refill-requests', summary: 'Refill requests by queue and status', security: 'clinicKey', query: listRequestsQuerySchema },
  { method: 'get', path: '/api/v1/refill-requests/{id}', summary: 'One request with its queue, SLA and audit', security: 'clinicKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/v1/refill-requests/{id}/decision', summary: 'Approve, deny or request an exam', security: 'clinicKey', body: decisionSchema, params: ['id'], statuses: [404, 409, 422] },
  { method: 'get', path: '/api/pharmacy/v1/orders', summary: "This pharmacy's orders", security: 'pharmacyKey', query: orderListQuerySchema },
  { method: 'get', path: '/api/pharmacy/v1/orders/{id}', summary: 'One order of this pharmacy', security: 'pharmacyKey', params: ['id'], statuses: [404] },
  { method: 'post', path: '/api/pharmacy/v1/orders/{id}/events', summary: 'Report acceptance, rejection, compounding, shipment or delivery', security: 'pharmacyKey', body: orderStatusEventSchema, params: ['id'], statuses: [404, 409] },
  { method: 'post', path: '/webhooks/stripe', summary: 'Stripe events (signature-verified, de-duplicated by event id)', security: 'stripeSignature' },
  { method: 'post', path: '/webhooks/intake/{clinicSlug}', summary: 'PIMS prescription.requested events and SMS-gateway posts, signed with the clinic intake secret', security: 'intakeSignature', params: ['clinicSlug'] },
  { method: 'post', path: '/webhooks/sms/twilio', summary: "Twilio's incoming-message webhook: routed by To, one request per MessageSid, answered with TwiML (text/xml)", security: 'twilioSignature', form: twilioIncomingSchema, statuses: [403, 404] },
  {
    method: 'post',
    path: '/webhooks/sms/twilio/status',
    summary: "Twilio's status callbacks for texts vialcart sent (?n=<message id>, part of the signed URL)",
    security: 'twilioSignature',
    form: z.looseObject({ MessageSid: z.string(), MessageStatus: z.enum(['queued', 'accepted', 'sending', 'sent', 'delivered', 'undelivered', 'failed']), ErrorCode: z.string().optional() }),
    statuses: [403, 404, 409],
  },
];

const DESCRIPTIONS: Record<number, string> = {
  400: 'Bad input; `fields` names each bad field',
  401: 'Missing or wrong credentials',
  403: 'Forbidden: the signature does not match, or the acting user may not do this (the role table, docs/roles.md; e.g. actingUserId is not a veterinarian of the clinic)',
  404: "Not found (or another tenant's)",
  409: 'Version conflict, illegal state transition or already processed',
  422: 'A business rule refuses it (e.g. blocking findings)',
  429: 'Rate limited',
};

let cached: object | undefined;

/** The OpenAPI 3.1 document served at `GET /api/v1/openapi.json`. */
export function openApiDocument(): object {
  if (cached) return cached;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'clinicKey', { type: 'http', scheme: 'bearer', description: 'A clinic API key' });
  registry.registerComponent('securitySchemes', 'pharmacyKey', { type: 'http', scheme: 'bearer', description: 'A pharmacy API key' });
  registry.registerComponent('securitySchemes', 'stripeSignature', { type: 'apiKey', in: 'header', name: 'Stripe-Signature' });
  registry.registerComponent('securitySchemes', 'twilioSignature', { type: 'apiKey', in: 'header', name: 'X-Twilio-Signature', description: "Twilio's HMAC-SHA1 of the public URL and the sorted form fields, with the account's auth token" });
  registry.registerComponent('securitySchemes', 'intakeSignature', { type: 'apiKey', in: 'header', name: 'Vialcart-Signature', description: 't=<unix>,v1=<hex HMAC-SHA256 of "t.body">' });
  const error = registry.register('Error', errorSchema);
  for (const e of ENDPOINTS) {
    const responses: Record<number, { description: string; content?: Record<string, { schema: z.ZodType }> }> = {
      200: { description: 'OK (JSON as described in API.md)' },
    };
    for (const status of [400, ...(e.security.endsWith('Key') ? [401] : []), ...(e.statuses ?? [])]) {
      responses[status] = { description: DESCRIPTIONS[status] ?? String(status), content: { 'application/json': { schema: error } } };
    }
    registry.registerPath({
      method: e.method,
      path: e.path,
      summary: e.summary,
      security: [{ [e.security]: [] }],
      request: {
        ...(e.query ? { query: e.query } : {}),
        ...(e.params ? { params: z.object(Object.fromEntries(e.params.map((p) => [p, z.string()]))) } : {}),
        ...(e.body ? { body: { content: { 'application/json': { schema: e.body } } } } : {}),
        ...(e.form ? { body: { content: { 'application/x-www-form-urlencoded': { schema: e.form } } } } : {}),
        ...(e.idempotent ? { headers: z.object({ 'Idempotency-Key': z.string().max(200).optional() }) } : {}),
      },
      responses,
    });
  }
  cached = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'vialcart API', version: '1.0.0', description: 'The HTTP contract described in docs/api.md. Money is integer cents, ids are strings, dates ISO-8601.' },
  });
  return cached;
}
