/**
 * How the SIG parser reads directions as they are typed: the dose, route, frequency and
 * duration it found, and what a pharmacy would miss — shown as findings beside the field,
 * never as an error that stops typing. The parser is pure (validators/sig), so it runs in the
 * browser as it does in the service.
 */
import { useMemo } from 'react';
import { parseSig, type ParsedSig } from '../../validators/sig';
import { asDirected, asDirectedWarning } from '../../validators/sig/as-directed';

const ROUTE_WORDS: Record<NonNullable<ParsedSig['route']>, string> = {
  oral: 'by mouth',
  topical: 'on the skin',
  transdermal: 'transdermal',
  ophthalmic: 'in the eye',
  otic: 'in the ear',
  subcutaneous: 'under the skin',
  intramuscular: 'into the muscle',
  intravenous: 'into a vein',
  rectal: 'rectal',
  inhalation: 'inhaled',
  nasal: 'in the nose',
  buccal: 'in the cheek',
  sublingual: 'under the tongue',
  vaginal: 'vaginal',
};

function frequencyWords(f: NonNullable<ParsedSig['frequency']>): string {
  const unit = { h: 'hour', d: 'day', wk: 'week', mo: 'month' }[f.periodUnit];
  const every = f.period === 1 ? unit : `${f.period} ${unit}s`;
  return f.count === 1 ? `once every ${every}` : `${f.count} times every ${every}`;
}

/** What was read and what is missing, for `sig` (and the product's dosage form when known). */
export function SigReading({ sig, form }: { sig: string; form?: string | null }) {
  const parsed = useMemo(() => parseSig(sig, form ? { form } : undefined), [sig, form]);
  const flag = asDirected(sig);
  if (!sig.trim()) return null;
  const read = [
    parsed.dose ? `${parsed.dose.amount}${parsed.dose.amountMax ? `–${parsed.dose.amountMax}` : ''}${parsed.dose.unit ? ` ${parsed.dose.unit}` : ''}` : null,
    parsed.route ? `${ROUTE_WORDS[parsed.route]}${parsed.routeInferred ? ' (inferred)' : ''}` : null,
    parsed.frequency ? frequencyWords(parsed.frequency) : null,
    parsed.asNeeded ? 'as needed' : null,
    parsed.durationDays ? `for ${parsed.durationDays} days` : null,
    parsed.site ? `site: ${parsed.site}` : null,
  ].filter(Boolean);
  return (
    <div className="sig-reading text-sm" aria-live="polite">
      <p>
        <strong>Reads as:</strong> {read.length ? read.join(' · ') : 'nothing a pharmacy can use yet'}
      </p>
      <ul className="findings">
        {parsed.missing.map((part) => (
          <li key={part} className="finding finding--error">
            No {part}: a pharmacy cannot fill directions without it.
          </li>
        ))}
        {flag && !(flag === 'bare' && parsed.missing.length) ? <li className="finding finding--warning">{asDirectedWarning(flag)}</li> : null}
        {parsed.durationDays === undefined && !parsed.asNeeded ? <li className="finding finding--warning">No duration: the refill comes due by the quantity alone.</li> : null}
      </ul>
    </div>
  );
}
