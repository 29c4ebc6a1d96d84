/**
 * Phone numbers are stored in E.164 ("+19165550100"): the owner record, the SMS gateway and
 * the refill-request matcher compare them as strings.
 */

/** E.164 for a phone number as people type it; US numbers without a country code get +1. Null when it cannot be one. */
export function normalizePhone(input: string | null | undefined): string | null {
  if (!input) return null;
  const trimmed = input.trim();
  const digits = trimmed.replace(/\D/g, '');
  if (trimmed.startsWith('+')) return /^[1-9]\d{7,14}$/.test(digits) ? `+${digits}` : null;
  if (digits.length === 10 && /^[2-9]/.test(digits)) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  if (trimmed.startsWith('00') && /^00[1-9]\d{7,14}$/.test(digits)) return `+${digits.slice(2)}`;
  return null;
}
