/** "Switch pharmacy": the other offers of a line's medication with the landed cost each would have. */
import { useFetcher } from '@remix-run/react';
import { useEffect, useRef } from 'react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { Money } from '~/components/money';
import { formatMoney } from '~/lib/format';
import { LineButton } from './line-button';
import type { Line } from './types';

type Alternative = {
  offerId: string;
  pharmacyName: string;
  packageDescription: string;
  unitPriceCents: number;
  landedCostCents: number;
  differenceCents: number;
  freeStock: number;
  turnaroundDays: number;
  shipsToState: boolean;
  current: boolean;
};

export function SwitchPanel({ line, onClose }: { line: Line; onClose: () => void }) {
  const fetcher = useFetcher<{ alternatives: Alternative[] }>();
  const { load } = fetcher;
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    load(`/refill-day/alternatives?lineId=${line.id}`);
    closeRef.current?.focus();
  }, [load, line.id]);
  const alternatives = fetcher.data?.alternatives;
  return (
    <section className="stack-sm switch-panel" aria-label={`Switch pharmacy for ${line.patientName}'s ${line.medicationName}`}>
      <div className="split">
        <h3>Other pharmacies for {line.medicationName}</h3>
        <Button ref={closeRef} size="sm" variant="ghost" onClick={onClose}>
          Close
        </Button>
      </div>
      {!alternatives ? (
        <p aria-busy="true">Pricing the other pharmacies…</p>
      ) : alternatives.length <= 1 ? (
        <p>No other pharmacy offers this medication now.</p>
      ) : (
        <ul className="stack-sm">
          {alternatives.map((a) => (
            <li key={a.offerId} className="cluster">
              <span>
                <strong>{a.pharmacyName}</strong> · {a.packageDescription} · <Money cents={a.landedCostCents} /> per vial landed{' '}
                {a.current ? (
                  <Badge tone="info">Current</Badge>
                ) : (
                  <span className={a.differenceCents < 0 ? 'text-success' : a.differenceCents > 0 ? 'text-danger' : undefined}>
                    ({a.differenceCents === 0 ? 'same' : `${formatMoney(a.differenceCents, { signed: true })} per vial`})
                  </span>
                )}{' '}
                · {a.freeStock} in stock · {a.turnaroundDays} days
                {!a.shipsToState ? <Badge tone="danger">Cannot ship to {line.shipState}</Badge> : null}
              </span>
              {!a.current ? (
                <LineButton line={line} intent="switch" fields={{ offerId: a.offerId }}>
                  Switch to {a.pharmacyName}
                </LineButton>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
