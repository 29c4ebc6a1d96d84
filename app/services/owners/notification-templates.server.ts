// The default wording of every owner message, per channel. A clinic may override any of them
// (table notification_templates); placeholders are `{{name}}`. A line whose placeholders are
// not all known is dropped, so "Tracking: {{trackingNumber}}" disappears when there is none.

import type { NotificationTemplate } from '~/lib/notification-templates';

export { NOTIFICATION_TEMPLATES, TEMPLATE_VARIABLES, renderTemplate, type NotificationTemplate } from '~/lib/notification-templates';

/** The wording of one message on one channel. */
export type TemplateText = { subject: string | null; body: string };

export const DEFAULT_TEMPLATES: Record<NotificationTemplate, { email: TemplateText; sms: TemplateText }> = {
  'request.acknowledged': {
    email: {
      subject: "We received your refill request for {{petName}}",
      body: [
        'Hi {{ownerName}},',
        '',
        "{{clinicName}} received your request to refill {{petName}}'s {{medicationName}}.",
        'Your reference is {{reference}}. We will let you know as soon as it has been reviewed.',
        '',
        'Questions? Call us at {{clinicPhone}}.',
      ].join('\n'),
    },
    sms: { subject: null, body: "{{clinicName}}: we received your refill request for {{petName}}'s {{medicationName}} (ref {{reference}}). We'll text you when it's reviewed." },
  },
  'request.approved': {
    email: {
      subject: "{{petName}}'s {{medicationName}} refill is approved",
      body: [
        'Hi {{ownerName}},',
        '',
        "Good news: {{petName}}'s {{medicationName}} refill (ref {{reference}}) is approved and is being filled.",
        'We will tell you when it ships or is ready to pick up.',
        '',
        '{{clinicName}} · {{clinicPhone}}',
      ].join('\n'),
    },
    sms: { subject: null, body: "{{clinicName}}: {{petName}}'s {{medicationName}} refill is approved and being filled." },
  },
  'request.denied': {
    email: {
      subject: "About {{petName}}'s {{medicationName}} refill",
      body: [
        'Hi {{ownerName}},',
        '',
        "We can't refill {{petName}}'s {{medicationName}} (ref {{reference}}) as requested.",
        'Reason: {{reason}}',
        '',
        'Please call us at {{clinicPhone}} so we can help.',
        '{{clinicName}}',
      ].join('\n'),
    },
    sms: { subject: null, body: "{{clinicName}}: we can't refill {{petName}}'s {{medicationName}} as requested. Please call us at {{clinicPhone}}." },
  },
  'request.exam_needed': {
    email: {
      subject: '{{petName}} needs a check-up before the next refill',
      body: [
        'Hi {{ownerName}},',
        '',
        "Before we can refill {{petName}}'s {{medicationName}}, {{petName}} is due for an exam.",
        'Book a visit: {{bookingUrl}}',
        'Or call us at {{clinicPhone}}.',
        '',
        '{{clinicName}}',
      ].join('\n'),
    },
    sms: { subject: null, body: '{{clinicName}}: {{petName}} needs an exam before the next {{medicationName}} refill. Book: {{bookingUrl}}' },
  },
  'order.shipped': {
    email: {
      subject: "{{petName}}'s {{medicationName}} has shipped",
      body: [
        'Hi {{ownerName}},',
        '',
        "{{petName}}'s {{medicationName}} is on its way.",
        'Carrier: {{carrier}}',
        'Tracking number: {{trackingNumber}}',
        'Carrier tracking: {{carrierTrackingUrl}}',
        'Expected delivery: {{expectedDelivery}}',
        '',
        '{{clinicName}} · {{clinicPhone}}',
      ].join('\n'),
    },
    sms: { subject: null, body: "{{clinicName}}: {{petName}}'s {{medicationName}} has shipped ({{carrier}})." },
  },
  'order.ready_for_pickup': {
    email: {
      subject: "{{petName}}'s {{medicationName}} is ready for pickup",
      body: [
        'Hi {{ownerName}},',
        '',
        "{{petName}}'s {{medicationName}} is ready for pickup at {{clinicName}}.",
        'Questions? Call us at {{clinicPhone}}.',
      ].join('\n'),
    },
    sms: { subject: null, body: "{{clinicName}}: {{petName}}'s {{medicationName}} is ready for pickup." },
  },
  'order.delivered': {
    email: {
      subject: "{{petName}}'s {{medicationName}} was delivered",
      body: [
        'Hi {{ownerName}},',
        '',
        "{{petName}}'s {{medicationName}} was delivered.",
        'Questions about giving it? Call us at {{clinicPhone}}.',
        '{{clinicName}}',
      ].join('\n'),
    },
    sms: { subject: null, body: "{{clinicName}}: {{petName}}'s {{medicationName}} was delivered." },
  },
  'refill.reminder': {
    email: {
      subject: "{{petName}}'s {{medicationName}} runs out around {{dueOn}}",
      body: [
        'Hi {{ownerName}},',
        '',
        "{{petName}}'s {{medicationName}} will run out around {{dueOn}}.",
        'Request the refill in one click: {{refillUrl}}',
        '',
        '{{clinicName}} · {{clinicPhone}}',
      ].join('\n'),
    },
    sms: { subject: null, body: "{{clinicName}}: {{petName}}'s {{medicationName}} runs out around {{dueOn}}. Refill: {{refillUrl}}" },
  },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The HTML part of an email: the text body escaped, links made clickable, paragraphs kept. */
export function textToHtml(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((p) =>
    escapeHtml(p)
      .replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`)
      .replace(/\n/g, '<br>'),
  );
  return `<!doctype html><html><body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#1f2328">${paragraphs
    .map((p) => `<p>${p}</p>`)
    .join('')}</body></html>`;
}
