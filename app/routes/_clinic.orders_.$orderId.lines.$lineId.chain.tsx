import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { Badge } from '~/components/badge';
import { DateTimeText } from '~/components/date';
import { PageHeader } from '~/components/page-header';
import { humanize } from '~/lib/format';
import { getAuthorizationChain, type ChainStep } from '~/services/audit/audit-chain.server';
import { requireUser } from '~/services/identity/auth.server';
import { orNotFoundPage } from '~/http/forms.server';

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Authorization chain${data ? ` — ${data.chain.patientName}` : ''} — vialcart` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const { lines } = await getAuthorizationChain(user, params.lineId ?? '').catch(orNotFoundPage('Order line not found.'));
  const chain = lines[0];
  if (!chain || chain.orderId !== params.orderId) throw new Response('Order line not found.', { status: 404 });
  return json({ chain });
}

const STEP_LABEL: Record<ChainStep, string> = {
  request: 'Owner request',
  eligibility: 'Eligibility',
  authorization: 'Authorization',
  cart: 'Refill day cart',
  validation: 'Validation',
  payment: 'Payment',
  order: 'Order',
  acceptance: 'Pharmacy acceptance',
  compounding: 'Compounding',
  shipment: 'Shipment',
  delivery: 'Delivery',
  exception: 'Exception',
};

/** A detail value in words: lists of checks and findings get one line each. */
function DetailValue({ value }: { value: unknown }) {
  if (Array.isArray(value)) {
    if (value.length === 0) return <span className="muted">none</span>;
    return (
      <ul className="chain-list">
        {value.map((v, i) => (
          <li key={i}>
            {v && typeof v === 'object' && 'check' in v ? (
              <>
                <Badge tone={(v as { ok: boolean }).ok ? 'success' : 'danger'}>{(v as { ok: boolean }).ok ? 'Pass' : 'Fail'}</Badge> {humanize(String((v as { check: string }).check))}: {String((v as { detail?: string }).detail ?? '')}
              </>
            ) : v && typeof v === 'object' && 'rule' in v ? (
              `${String((v as { rule: string }).rule)} acknowledged by ${String((v as { by?: string }).by ?? '—')}`
            ) : (
              <code>{JSON.stringify(v)}</code>
            )}
          </li>
        ))}
      </ul>
    );
  }
  if (value && typeof value === 'object') return <code className="mono text-sm">{JSON.stringify(value)}</code>;
  return <>{value === null || value === undefined || value === '' ? '—' : String(value)}</>;
}

export default function ChainPage() {
  const { chain } = useLoaderData<typeof loader>();
  return (
    <div className="stack-lg">
      <PageHeader
        title={`Authorization chain: ${chain.patientName} · ${chain.medication}`}
        description={
          <>
            Line {chain.lineId.slice(0, 8)} of <Link to={`/orders?order=${chain.orderId}`}>order {chain.orderId.slice(0, 8)}</Link>. Every entry comes from the append-only audit trail or the
            records it describes.
          </>
        }
        meta={chain.complete ? <Badge tone="success">Complete</Badge> : <Badge tone="warning">{`Not yet: ${chain.missing.map((m) => STEP_LABEL[m]).join(', ')}`}</Badge>}
      />
      <ol className="chain stack" aria-label="Authorization chain, oldest first">
        {chain.entries.map((e, i) => (
          <li key={i} className="card card--padded stack-sm">
            <div className="split">
              <span className="cluster">
                <Badge tone={e.step === 'exception' ? 'danger' : e.step === 'authorization' ? 'info' : 'neutral'}>{STEP_LABEL[e.step]}</Badge>
                <strong>{humanize(e.action.replace(/\./g, ' '))}</strong>
              </span>
              <span className="muted text-sm">{e.at ? <DateTimeText value={e.at} /> : 'time not recorded'}</span>
            </div>
            <div className="text-sm">By {e.actor}</div>
            {Object.keys(e.detail).length > 0 ? (
              <dl className="dl text-sm">
                {Object.entries(e.detail).map(([k, v]) => (
                  <div key={k}>
                    <dt>{humanize(k.replace(/([A-Z])/g, '_$1').toLowerCase())}</dt>
                    <dd>
                      <DetailValue value={v} />
                    </dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
