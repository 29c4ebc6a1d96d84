// Owner message templates, the parts both sides need: the template names, the placeholders
// each one may use, and the renderer (the server fills messages with it; the settings page
// previews a clinic's wording with it). The default wording lives in
// app/services/owners/notification-templates.server.ts.

/** The owner messages vialcart sends. */
export const NOTIFICATION_TEMPLATES = [
  'request.acknowledged',
  'request.approved',
  'request.denied',
  'request.exam_needed',
  'order.shipped',
  'order.ready_for_pickup',
  'order.delivered',
  'refill.reminder',
] as const;
export type NotificationTemplate = (typeof NOTIFICATION_TEMPLATES)[number];

export const NOTIFICATION_CHANNELS = ['email', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** The placeholders a template may use (documented on the clinic's template settings). */
export const TEMPLATE_VARIABLES = [
  'ownerName',
  'petName',
  'medicationName',
  'clinicName',
  'clinicPhone',
  'reference',
  'reason',
  'bookingUrl',
  'carrier',
  'trackingNumber',
  'carrierTrackingUrl',
  'trackUrl',
  'expectedDelivery',
  'dueOn',
  'refillUrl',
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

const COMMON: TemplateVariable[] = ['ownerName', 'petName', 'medicationName', 'clinicName', 'clinicPhone'];
const ORDER: TemplateVariable[] = [...COMMON, 'trackUrl'];

/** The placeholders each template is given a value for; anything else would never be filled. */
export const TEMPLATE_PLACEHOLDERS: Record<NotificationTemplate, readonly TemplateVariable[]> = {
  'request.acknowledged': [...COMMON, 'reference'],
  'request.approved': [...COMMON, 'reference'],
  'request.denied': [...COMMON, 'reference', 'reason', 'bookingUrl'],
  'request.exam_needed': [...COMMON, 'reference', 'bookingUrl'],
  'order.shipped': [...ORDER, 'carrier', 'trackingNumber', 'carrierTrackingUrl', 'expectedDelivery'],
  'order.ready_for_pickup': ORDER,
  'order.delivered': ORDER,
  'refill.reminder': [...COMMON, 'dueOn', 'refillUrl'],
};

/** What a placeholder becomes in the settings page's preview (a made-up owner, pet and medication). */
export const SAMPLE_VALUES: Record<TemplateVariable, string> = {
  ownerName: 'Jordan',
  petName: 'Biscuit',
  medicationName: 'Methimazole 5 mg',
  clinicName: 'Your clinic',
  clinicPhone: '(555) 010-0100',
  reference: 'RQ-1042',
  reason: 'The prescription has run out of refills.',
  bookingUrl: 'https://example.com/book',
  carrier: 'UPS',
  trackingNumber: '1Z999AA10123456784',
  carrierTrackingUrl: 'https://example.com/track/1Z999AA10123456784',
  trackUrl: 'https://example.com/t/sample',
  expectedDelivery: 'Thursday',
  dueOn: 'March 14',
  refillUrl: 'https://example.com/refill/sample',
};

const PLACEHOLDER = /\{\{\s*([a-zA-Z]+)\s*\}\}/g;
const ANY_PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** Fills `{{name}}` placeholders; drops a line whose placeholders are not all filled. */
export function renderTemplate(text: string, vars: Record<string, string | null | undefined>): string {
  const lines = text.split('\n').flatMap((line) => {
    let missing = false;
    const out = line.replace(PLACEHOLDER, (_, name: string) => {
      const value = vars[name];
      if (value === undefined || value === null || value === '') missing = true;
      return value ?? '';
    });
    return missing ? [] : [out];
  });
  // Dropping lines can leave two blank lines in a row; keep one.
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The placeholders in `text` that `template` does not know, as written (`{{petname}}`), once each. */
export function unknownPlaceholders(template: NotificationTemplate, text: string): string[] {
  const allowed = new Set<string>(TEMPLATE_PLACEHOLDERS[template]);
  const unknown = new Set<string>();
  for (const m of text.matchAll(ANY_PLACEHOLDER)) {
    if (!allowed.has(m[1]!.trim())) unknown.add(m[0]);
  }
  return [...unknown];
}

/** The field error for placeholders a template does not know, or null when there are none. */
export function unknownPlaceholderError(template: NotificationTemplate, text: string): string | null {
  const unknown = unknownPlaceholders(template, text);
  if (!unknown.length) return null;
  return `Unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}. Use one of the placeholders listed.`;
}
