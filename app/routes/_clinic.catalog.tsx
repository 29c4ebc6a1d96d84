import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { json } from '@remix-run/node';
import { Form, Link, useActionData, useLoaderData, useNavigate, useNavigation, useSearchParams } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { Badge } from '~/components/badge';
import { Button } from '~/components/button';
import { DataTable, type Column } from '~/components/data-table';
import { EmptyState } from '~/components/empty-state';
import { FormField } from '~/components/form-field';
import { Money } from '~/components/money';
import { PageHeader } from '~/components/page-header';
import { PatientTypeahead, type PatientOption } from '~/components/patient-typeahead';
import { Toaster } from '~/components/toast';
import { US_STATE_NAMES, medicationLabel } from '../../validators/vocabulary';
import { WeightText } from '~/components/weight-text';
import { useRemixForm, type FormErrors } from '~/lib/forms';
import { formAction, readForm } from '~/http/forms.server';
import { addToCartFormSchema, catalogQuerySchema, type CatalogQueryParams } from '~/schemas/catalog';
import { requireUser } from '~/services/identity/auth.server';
import { addCartLines } from '~/services/cart/index.server';
import { searchCatalog, type CatalogMedication, type CatalogOffer } from '~/services/catalog/catalog.server';
import { getClinic } from '~/services/records/clinics.server';
import { listPharmacies, listPrescribers } from '~/services/records/directory.server';
import { clinicDay } from '~/services/platform/clock.server';

export const meta: MetaFunction = () => [{ title: 'Catalog — vialcart' }];

const PAGE = 25;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const url = new URL(request.url);
  const raw: Record<string, string> = Object.fromEntries(url.searchParams);
  // A bad parameter in a shared link is dropped and named, not a broken page.
  let parsed = catalogQuerySchema.safeParse(raw);
  const ignored: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      ignored.push(key);
      delete raw[key];
    }
    parsed = catalogQuerySchema.safeParse(raw);
  }
  const query: Partial<CatalogQueryParams> = parsed.success ? parsed.data : {};
  const clinic = await getClinic(user);
  // Ships to the clinic's state unless the filter was changed (an empty value means any state).
  const shipState = url.searchParams.has('shipState') && !ignored.includes('shipState') ? query.shipState : clinic.state;
  const page = Math.max(1, Math.trunc(Number(raw.page)) || 1);
  const [result, pharmacies, prescribers] = await Promise.all([
    searchCatalog(user, { ...query, shipState, limit: PAGE, offset: (page - 1) * PAGE }),
    listPharmacies(user),
    listPrescribers(user),
  ]);
  return json({
    // The clinic's day: a picked patient's weight shows its age against it.
    today: clinicDay(clinic.timezone),
    medications: result.medications,
    hasMore: result.hasMore,
    cartVials: result.cartVials,
    page,
    ignored,
    filters: {
      q: query.q ?? '',
      pharmacyId: query.pharmacyId ?? '',
      inStock: query.inStock ?? false,
      shipState: shipState ?? '',
      controlled: query.controlled === undefined ? '' : query.controlled ? '1' : '0',
      coldChain: query.coldChain === undefined ? '' : query.coldChain ? '1' : '0',
      sort: query.sort ?? 'landed',
    },
    clinicState: clinic.state,
    pharmacies: pharmacies.map((p) => ({ id: p.id, name: p.name })),
    prescribers: prescribers.map((p) => ({ id: p.id, name: p.name })),
  });
}

type ActionData = FormErrors & { ok?: boolean; message?: string; at?: number };

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: 'clinic' });
  const formData = await request.formData();
  return formAction(
    async (): Promise<ActionData> => {
      const line = readForm(formData, addToCartFormSchema);
      await addCartLines(user, [{ ...line, source: 'manual' }]);
      const what = String(formData.get('offerLabel') ?? 'the medication');
      const who = String(formData.get('patientLabel') ?? 'the patient');
      const vials = line.quantity;
      return { ok: true, at: Date.now(), message: `Added ${vials} ${vials === 1 ? 'vial' : 'vials'} of ${what} for ${who} to the cart.` };
    },
    // The cart names fields per line (`lines.0.sig`); this form has one line.
    { singleLine: true, extra: { ok: false } },
  );
}

type Medication = CatalogMedication;
type Row = CatalogOffer & { medication: Medication };

export default function CatalogPage() {
  const { medications, hasMore, cartVials, page, ignored, filters, clinicState, pharmacies, prescribers } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const navigation = useNavigation();
  const [adding, setAdding] = useState<Row | null>(null);
  const addButtons = useRef(new Map<string, HTMLButtonElement>());

  useEffect(() => {
    if (actionData?.ok) setAdding(null);
  }, [actionData]);

  const rows: Row[] = medications.flatMap((m) => m.offers.map((o) => ({ ...o, medication: m })));
  const pageLink = (p: number) => {
    const next = new URLSearchParams(params);
    next.set('page', String(p));
    return `?${next.toString()}`;
  };
  function sortBy(key: string) {
    const next = new URLSearchParams(params);
    next.set('sort', key === 'turnaround' ? 'turnaround' : 'landed');
    next.delete('page');
    navigate(`?${next.toString()}`, { preventScrollReset: true });
  }

  const columns: Array<Column<Row>> = [
    {
      key: 'pharmacy',
      header: 'Pharmacy',
      rowHeader: true,
      cell: (o) => (
        <span className="stack-sm">
          <span>{o.pharmacyName}</span>
          <span className="muted text-sm mono">
            {o.sku} · {o.package}
          </span>
        </span>
      ),
    },
    { key: 'unitPrice', header: 'Price per vial', align: 'end', cell: (o) => <Money cents={o.unitPriceCents} /> },
    {
      key: 'landed',
      header: 'Landed cost per vial',
      align: 'end',
      sortable: true,
      cell: (o) => (
        <span className="cluster catalog__cell-end">
          {o.cheapest ? <Badge tone="success">Cheapest</Badge> : null}
          <strong>
            <Money cents={o.landedCostCents} />
          </strong>
        </span>
      ),
    },
    {
      key: 'stock',
      header: 'Stock',
      align: 'end',
      cell: (o) =>
        o.stock === 0 ? (
          <Badge tone="danger">Out of stock</Badge>
        ) : (
          <span className="cluster catalog__cell-end">
            {o.lowStock ? <Badge tone="warning">Low stock</Badge> : null}
            <span className="num">{o.stock}</span>
          </span>
        ),
    },
    {
      key: 'turnaround',
      header: 'Turnaround',
      sortable: true,
      cell: (o) => (
        <span className="cluster">
          <span className="nowrap">
            {o.turnaroundDays} {o.turnaroundDays === 1 ? 'day' : 'days'}
          </span>
          {o.fastest ? <Badge tone="info">Fastest</Badge> : null}
        </span>
      ),
    },
    { key: 'ships', header: 'Ships to', cell: (o) => <ShipStates states={o.shipStates} highlight={filters.shipState || clinicState} /> },
    { key: 'flavors', header: 'Flavors', cell: (o) => (o.flavors.length ? o.flavors.join(', ') : <span className="muted">—</span>) },
    {
      key: 'add',
      header: <span className="visually-hidden">Add to cart</span>,
      cell: (o) => (
        <Button
          size="sm"
          ref={(el) => {
            if (el) addButtons.current.set(o.id, el);
          }}
          onClick={() => setAdding(o)}
          aria-label={`Add ${o.medication.name} ${o.medication.strength} from ${o.pharmacyName} to the cart`}
        >
          Add to cart
        </Button>
      ),
    },
  ];

  return (
    <div className="stack-lg">
      <PageHeader
        title="Catalog"
        description="Compare 503A partner pharmacies side by side. Landed cost per vial is what one more vial costs delivered, joining what is already in your cart."
        meta={cartVials > 0 ? <Badge tone="info">{`${cartVials} ${cartVials === 1 ? 'vial' : 'vials'} in the cart`}</Badge> : undefined}
      />
      <Form method="get" role="search" aria-label="Catalog" className="toolbar catalog__filters" preventScrollReset>
        <div className="field">
          <label className="field__label" htmlFor="catalog-q">
            Search
          </label>
          <input id="catalog-q" type="search" name="q" defaultValue={filters.q} placeholder="Name, strength, form, species or brand" className="input" />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="catalog-pharmacy">
            Pharmacy
          </label>
          <select id="catalog-pharmacy" name="pharmacyId" defaultValue={filters.pharmacyId} className="select">
            <option value="">All pharmacies</option>
            {pharmacies.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="catalog-state">
            Ships to
          </label>
          <select id="catalog-state" name="shipState" defaultValue={filters.shipState} className="select">
            <option value="">Any state</option>
            {Object.entries(US_STATE_NAMES).map(([code, name]) => (
              <option key={code} value={code}>
                {name} ({code}){code === clinicState ? ' — your clinic' : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="catalog-controlled">
            Controlled
          </label>
          <select id="catalog-controlled" name="controlled" defaultValue={filters.controlled} className="select">
            <option value="">Any</option>
            <option value="1">Controlled only</option>
            <option value="0">Not controlled</option>
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="catalog-cold">
            Cold chain
          </label>
          <select id="catalog-cold" name="coldChain" defaultValue={filters.coldChain} className="select">
            <option value="">Any</option>
            <option value="1">Cold chain only</option>
            <option value="0">Room temperature</option>
          </select>
        </div>
        <div className="field">
          <label className="field__label" htmlFor="catalog-sort">
            Sort offers by
          </label>
          <select id="catalog-sort" name="sort" defaultValue={filters.sort} className="select">
            <option value="landed">Landed cost</option>
            <option value="turnaround">Turnaround</option>
          </select>
        </div>
        <label className="cluster catalog__check">
          <input type="checkbox" name="inStock" value="1" defaultChecked={filters.inStock} /> In stock only
        </label>
        <Button type="submit" variant="primary" loading={navigation.state === 'loading' && navigation.location?.pathname === '/catalog'}>
          Search
        </Button>
      </Form>
      {ignored.length > 0 ? (
        <p role="status" className="form-error">
          Ignored filters that were not valid: {ignored.join(', ')}.
        </p>
      ) : null}

      <DataTable
        caption={`Offers by medication${filters.shipState ? `, shipping to ${filters.shipState}` : ''}`}
        rows={rows}
        getRowKey={(o) => o.id}
        groupBy={(o) => o.medication.id}
        groupHeader={(group) => <MedicationHeader medication={group.rows[0]!.medication} />}
        columns={columns}
        sort={{ key: filters.sort === 'turnaround' ? 'turnaround' : 'landed', direction: 'ascending' }}
        onSortChange={(s) => sortBy(s.key)}
        maxHeight="none"
        empty={
          <EmptyState
            title="No offers match"
            description={filters.shipState ? `Try another spelling or a brand name, or widen the filters: only pharmacies licensed for ${filters.shipState} are shown.` : 'Try another spelling or a brand name, or widen the filters.'}
          />
        }
      />
      {page > 1 || hasMore ? (
        <nav aria-label="Pages" className="cluster">
          {page > 1 ? <Link to={pageLink(page - 1)}>Previous</Link> : null}
          <span>Page {page}</span>
          {hasMore ? <Link to={pageLink(page + 1)}>Next</Link> : null}
        </nav>
      ) : null}

      {adding ? (
        <AddToCartDialog
          key={adding.id}
          offer={adding}
          prescribers={prescribers}
          actionData={actionData?.ok ? undefined : actionData}
          onClose={() => {
            const button = addButtons.current.get(adding.id);
            setAdding(null);
            // Back to the button that opened it, as a dialog should.
            button?.focus();
          }}
        />
      ) : null}
      <Toaster message={actionData?.ok && actionData.message ? { id: String(actionData.at), text: actionData.message, tone: 'success' } : null} />
    </div>
  );
}

function MedicationHeader({ medication: m }: { medication: Medication }) {
  return (
    <span className="cluster">
      <span>
        {m.name} {m.strength} <span className="muted">{m.form}</span>
      </span>
      {m.controlledSchedule ? <Badge tone="warning">{`C-${m.controlledSchedule} controlled`}</Badge> : null}
      {m.coldChain ? <Badge tone="info">Cold chain</Badge> : null}
      {m.compounded ? null : <Badge>Manufactured</Badge>}
      {m.speciesUse.length ? <span className="muted text-sm">For {m.speciesUse.join(', ')}</span> : null}
      {m.synonyms.length ? <span className="muted text-sm">Also known as {m.synonyms.join(', ')}</span> : null}
    </span>
  );
}

function ShipStates({ states, highlight }: { states: string[]; highlight: string }) {
  if (states.length === 0) return <span className="muted">No current licence</span>;
  if (states.length >= 50) return <span>All states</span>;
  const shown = states.length > 8 ? [...new Set([highlight, ...states.slice(0, 7)].filter((s) => states.includes(s)))] : states;
  return (
    <span title={states.join(', ')}>
      {shown.join(', ')}
      {states.length > shown.length ? <span className="muted"> and {states.length - shown.length} more</span> : null}
    </span>
  );
}

function AddToCartDialog({
  offer,
  prescribers,
  actionData,
  onClose,
}: {
  offer: Row;
  prescribers: Array<{ id: string; name: string }>;
  actionData: ActionData | undefined;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const navigation = useNavigation();
  const [patient, setPatient] = useState<PatientOption | null>(null);
  const { today } = useLoaderData<typeof loader>();
  const label = medicationLabel(offer.medication);
  const { register, onSubmit, errorOf, setValue, clearErrors } = useRemixForm(addToCartFormSchema, {
    defaultValues: { offerId: offer.id, patientId: '', quantity: 1, sig: '', prescriberId: '', shipTo: 'clinic', prescriptionId: '' },
    actionData,
  });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  function onPick(option: PatientOption | null) {
    setPatient(option);
    setValue('patientId', option?.id ?? '');
    if (option) clearErrors('patientId');
    const rx = option?.prescription;
    setValue('prescriptionId', rx?.id ?? '');
    // Start from the patient's prescription of this medication: its directions and prescriber.
    if (rx) {
      setValue('sig', rx.sig, { shouldValidate: true });
      setValue('prescriberId', rx.prescriberId, { shouldValidate: true });
    }
  }

  return (
    <dialog ref={ref} className="dialog" aria-labelledby="add-to-cart-title" onClose={onClose} onCancel={onClose}>
      <Form method="post" noValidate onSubmit={onSubmit} className="stack">
        <h2 id="add-to-cart-title">Add to cart</h2>
        <p>
          <strong>{label}</strong> from {offer.pharmacyName}: <Money cents={offer.unitPriceCents} /> per vial, <Money cents={offer.landedCostCents} /> landed.
        </p>
        {actionData?.formError ? (
          <p role="alert" className="form-error">
            {actionData.formError}
          </p>
        ) : null}
        <input type="hidden" {...register('offerId')} />
        <input type="hidden" {...register('patientId')} />
        <input type="hidden" {...register('prescriptionId')} />
        <input type="hidden" name="offerLabel" value={label} />
        <input type="hidden" name="patientLabel" value={patient?.name ?? ''} />
        <FormField
          label="Patient"
          name="patientSearch"
          required
          error={errorOf('patientId')}
          hint={patient?.prescription ? 'Directions and prescriber are from this patient’s prescription; change them if needed.' : undefined}
          renderControl={(control) => (
            <PatientTypeahead control={control} source="/catalog/patients" params={{ medicationId: offer.medication.id }} onPick={onPick} />
          )}
        />
        {patient ? (
          <p className="text-sm">
            {patient.name}’s weight: <WeightText kg={patient.weightKg} measuredOn={patient.weightMeasuredOn} today={today} />
          </p>
        ) : null}
        <FormField label="Quantity (vials)" type="number" inputMode="numeric" min={1} step={1} required error={errorOf('quantity')} {...register('quantity')} />
        <FormField label="Directions (SIG)" as="textarea" rows={2} required error={errorOf('sig')} {...register('sig')} />
        <FormField label="Prescriber" as="select" required error={errorOf('prescriberId')} {...register('prescriberId')}>
          <option value="">Choose a prescriber</option>
          {prescribers.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FormField>
        <FormField label="Ship to" as="select" required error={errorOf('shipTo')} {...register('shipTo')}>
          <option value="clinic">The clinic</option>
          <option value="owner">The owner’s address</option>
        </FormField>
        <div className="cluster">
          <Button type="submit" variant="primary" loading={navigation.state === 'submitting'}>
            Add to cart
          </Button>
          <Button type="button" variant="ghost" onClick={() => ref.current?.close()}>
            Cancel
          </Button>
        </div>
      </Form>
    </dialog>
  );
}
