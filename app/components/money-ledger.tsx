import { movementKindLook, movementStateLook } from '~/lib/status';
import { Badge } from './badge';
import { DataTable } from './data-table';
import { DateTimeText } from './date';
import { Money } from './money';

/** A checkout's money in cents, as the ledger sums it (docs/money.md). */
export interface MoneyBalances {
  chargedCents: number;
  refundedCents: number;
  refundsPendingCents: number;
  transferredCents: number;
  reversedCents: number;
  feeKeptCents: number;
  heldCents: number;
}

/** One money movement as the ledger holds it. */
export interface MoneyMovement {
  id: string;
  kind: string;
  pharmacyName: string | null;
  amountCents: number;
  state: string;
  providerStatus: string | null;
  stripeId: string | null;
  note: string | null;
  updatedAt: string;
}

/** Props of {@link MoneyLedger}. */
export interface MoneyLedgerProps {
  balances: MoneyBalances;
  movements: MoneyMovement[];
  /** Show Stripe's ids (the admin's view; a clinic does not need them). */
  showStripeIds?: boolean;
  caption?: string;
}

/**
 * A checkout's ledger: what was charged, refunded, paid to pharmacies and taken back, and each
 * movement with where it stands. States are said in words, not only colours.
 */
export function MoneyLedger({ balances, movements, showStripeIds = false, caption = 'Every money movement of this payment' }: MoneyLedgerProps) {
  return (
    <div className="stack">
      <dl className="grid" style={{ ['--grid-min' as string]: '10rem' }}>
        <Stat label="Charged" cents={balances.chargedCents} />
        <Stat label="Refunded" cents={balances.refundedCents} />
        {balances.refundsPendingCents > 0 ? <Stat label="Refund pending" cents={balances.refundsPendingCents} /> : null}
        <Stat label="Paid to pharmacies" cents={balances.transferredCents - balances.reversedCents} />
        <Stat label="Platform fee" cents={balances.feeKeptCents} />
      </dl>
      <DataTable
        caption={caption}
        rows={movements}
        getRowKey={(m) => m.id}
        maxHeight="none"
        compact
        empty={<p className="muted">No money has moved yet.</p>}
        columns={[
          { key: 'kind', header: 'Movement', rowHeader: true, cell: (m) => movementKindLook(m.kind).label },
          { key: 'pharmacyName', header: 'Order', cell: (m) => m.pharmacyName ?? '—' },
          { key: 'amountCents', header: 'Amount', align: 'end', cell: (m) => <Money cents={m.amountCents} /> },
          {
            key: 'state',
            header: 'State',
            cell: (m) => {
              const look = movementStateLook(m.state);
              return (
                <Badge tone={look.tone}>
                  {look.label}
                  {m.state === 'processing' && m.providerStatus ? ` (${m.providerStatus.replace(/_/g, ' ')})` : ''}
                </Badge>
              );
            },
          },
          ...(showStripeIds ? [{ key: 'stripeId', header: 'Stripe', cell: (m: MoneyMovement) => <span className="mono text-sm">{m.stripeId ?? '—'}</span> }] : []),
          { key: 'note', header: 'Last change', cell: (m) => <span className="text-sm">{m.note ?? ''}</span> },
          { key: 'updatedAt', header: 'When', cell: (m) => <DateTimeText value={m.updatedAt} /> },
        ]}
      />
    </div>
  );
}

function Stat({ label, cents }: { label: string; cents: number }) {
  return (
    <div className="stat">
      <dt className="stat__label">{label}</dt>
      <dd className="stat__value">
        <Money cents={cents} />
      </dd>
    </div>
  );
}
