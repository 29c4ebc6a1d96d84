import type {
  ActionFunctionArgs,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
} from "@remix-run/react";
import { useState } from "react";
import { z } from "zod";
import { Badge } from "~/components/badge";
import { Button, ButtonLink } from "~/components/button";
import { EmptyState } from "~/components/empty-state";
import { FormField } from "~/components/form-field";
import { Money } from "~/components/money";
import { PageHeader } from "~/components/page-header";
import { formatDate, formatSpecies, humanize } from "~/lib/format";
import type { FormErrors } from "~/lib/forms";
import { firstError, formAction, readForm } from "~/http/forms.server";
import {
  addDueLinesSchema,
  builderRenewalSchema,
  readDueWindow,
} from "~/schemas/refill-day";
import { requireUser } from "~/services/identity/auth.server";
import { addDueToCart, dueForRefill } from "~/services/cart/index.server";
import { requestRenewals } from "~/services/records/renewals.server";

export const meta: MetaFunction = () => [{ title: "Due refills — vialcart" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request, { area: "clinic" });
  const window = readDueWindow(
    new URL(request.url).searchParams.get("withinDays")
  );
  const due = await dueForRefill(user, { withinDays: window.withinDays });
  return json({
    ...due,
    withinDaysTyped: window.typed,
    withinDaysError: window.error,
  });
}

/** What the builder's action answers: bad input, or how an "Ask for renewal" went. */
type BuilderResult = FormErrors & { message?: string };

/** "Ask for renewal" of one due line, or of every lapsed one not asked yet; each joins its veterinarian's batch. */
async function askForRenewal(
  user: Awaited<ReturnType<typeof requireUser>>,
  input: z.output<typeof builderRenewalSchema>
): Promise<BuilderResult> {
  let ids: string[];
  if ("renewPrescriptionId" in input) ids = [input.renewPrescriptionId];
  else {
    const due = await dueForRefill(user, { withinDays: input.withinDays });
    ids = due.patients.flatMap((p) =>
      p.prescription?.lapse && !p.renewal ? [p.prescription.id] : []
    );
    if (ids.length === 0)
      return {
        message: "Every lapsed prescription on the list was already asked for.",
      };
  }
  const asked = await requestRenewals(
    user,
    ids.map((prescriptionId) => ({ prescriptionId }))
  );
  const vets = [...new Set(asked.map((a) => a.prescriberName))];
  return {
    message: `Renewal asked of ${vets.join(" and ")} for ${asked.length} ${
      asked.length === 1 ? "prescription" : "prescriptions"
    }.`,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request, { area: "clinic" });
  const form = await request.formData();
  if (form.has("renewPrescriptionId") || form.has("renewAll")) {
    return formAction(
      () => askForRenewal(user, readForm(form, builderRenewalSchema)),
      {
        extra: (errors): FormErrors => ({
          formError: firstError(errors, "Reload the page and try again."),
        }),
      }
    );
  }
  return formAction(
    async () => {
      const result = await addDueToCart(
        user,
        readForm(form, addDueLinesSchema).orderLineId
      );
      return redirect(`/refill-day?added=${result.lineIds.length}`);
    },
    // The list has no field of its own to show an error on: the message goes on top of it.
    {
      extra: (errors): FormErrors => ({
        formError: firstError(errors, "Choose at least one patient to add."),
      }),
    }
  );
}

function dueText(daysLeft: number): string {
  if (daysLeft === 0) return "runs out today";
  if (daysLeft > 0) return `in ${daysLeft} ${daysLeft === 1 ? "day" : "days"}`;
  return `ran out ${-daysLeft} ${daysLeft === -1 ? "day" : "days"} ago`;
}

type DueRow = ReturnType<
  typeof useLoaderData<typeof loader>
>["patients"][number];

/** Which group a due line falls in: it can pass as it is, needs a renewal first, or cannot be filled anywhere. */
type Group = "ready" | "renewal" | "unfillable";

function groupOf(p: DueRow): Group {
  if (p.prescription?.lapse) return "renewal";
  if (!p.line) return "unfillable";
  return "ready";
}

const GROUPS: { group: Group; title: string; hint: string }[] = [
  {
    group: "ready",
    title: "Ready",
    hint: "can be added and pass as they are; selected",
  },
  {
    group: "renewal",
    title: "Needs renewal",
    hint: "the prescription lapsed: ask the veterinarian, one request per vet",
  },
  {
    group: "unfillable",
    title: "Cannot be filled",
    hint: "no pharmacy has it in stock for this patient now",
  },
];

/** The builder's filters, applied in the browser to the due list the window brought. */
type Filters = { prescriber: string; species: string; pharmacy: string };
const NO_FILTERS: Filters = { prescriber: "", species: "", pharmacy: "" };

function passes(p: DueRow, f: Filters): boolean {
  if (f.prescriber && p.line?.prescriberName !== f.prescriber) return false;
  if (f.species && p.species !== f.species) return false;
  if (f.pharmacy && p.line?.pharmacyName !== f.pharmacy) return false;
  return true;
}

const distinct = (values: (string | null | undefined)[]) =>
  [...new Set(values.filter((v): v is string => !!v))].sort((a, b) =>
    a.localeCompare(b)
  );

export default function RefillDayBuilder() {
  const data = useLoaderData<typeof loader>();
  // Adding lines redirects; what comes back is an error or how an "Ask for renewal" went.
  const actionData = useActionData<typeof action>() as
    | BuilderResult
    | undefined;
  const navigation = useNavigation();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const shown = data.patients.filter((p) => passes(p, filters));
  const readyShown = shown.filter((p) => groupOf(p) === "ready");
  // Only the ready lines are selected at first: the others can only fail.
  const [selected, setSelected] = useState<Set<string>>(
    () =>
      new Set(
        data.patients
          .filter((p) => groupOf(p) === "ready")
          .map((p) => p.orderLineId)
      )
  );
  const [shownFor, setShownFor] = useState(data);
  if (shownFor !== data) {
    // A new window brings a new list: select its ready lines again.
    setShownFor(data);
    setSelected(
      new Set(
        data.patients
          .filter((p) => groupOf(p) === "ready")
          .map((p) => p.orderLineId)
      )
    );
  }
  // What "Add" sends: the selected lines the filters show (hidden rows are not in the form).
  const chosen = shown.filter((p) => p.line && selected.has(p.orderLineId));
  const allSelected =
    readyShown.length > 0 &&
    readyShown.every((p) => selected.has(p.orderLineId));
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const submitting =
    navigation.state === "submitting" &&
    !navigation.formData?.has("renewPrescriptionId") &&
    !navigation.formData?.has("renewAll");
  const asking = (id: string) =>
    navigation.state === "submitting" &&
    navigation.formData?.get("renewPrescriptionId") === id;
  const lapsed = data.patients.filter(
    (p) => p.prescription?.lapse && !p.renewal
  ).length;
  const addLabel = `Add ${chosen.length} ${
    chosen.length === 1 ? "line" : "lines"
  } to cart`;
  const setFilter =
    (key: keyof Filters) => (e: { target: { value: string } }) =>
      setFilters((f) => ({ ...f, [key]: e.target.value }));
  return (
    <div className="stack-lg">
      <PageHeader
        title="Due refills"
        description={`Patients whose supply runs out within ${data.withinDays} days (last fill + days supply), or ran out in the last 30 days. Patients already in the cart for that medication are left out.`}
        actions={<ButtonLink to="/refill-day">Back to the cart</ButtonLink>}
      />
      <Form method="get" className="toolbar" aria-label="Due window" noValidate>
        <FormField
          label="Due within (days)"
          name="withinDays"
          type="number"
          inputMode="numeric"
          min={0}
          max={365}
          key={data.withinDaysTyped ?? data.withinDays}
          defaultValue={data.withinDaysTyped ?? data.withinDays}
          error={data.withinDaysError ?? undefined}
          className="builder__days"
        />
        <Button type="submit">Show</Button>
      </Form>
      {data.patients.length === 0 ? (
        <EmptyState
          title="No refills due"
          description="Nobody runs out in this window. Widen it to plan further ahead."
        />
      ) : (
        <Form method="post" className="stack-sm">
          {actionData?.formError ? (
            <p className="form-error" role="alert">
              {actionData.formError}
            </p>
          ) : null}
          <div
            role="status"
            aria-live="polite"
            className={
              actionData?.message ? "toast toast--success" : "visually-hidden"
            }
          >
            {actionData?.message ? (
              <p className="toast__text">{actionData.message}</p>
            ) : null}
          </div>
          <div
            className="toolbar builder__filters"
            role="group"
            aria-label="Filter the due list"
          >
            <FilterSelect label="Prescriber" name="filterPrescriber" value={filters.prescriber} onChange={setFilter("prescriber")}
              options={distinct(data.patients.map((p) => p.line?.prescriberName))} />
            <FilterSelect label="Species" name="filterSpecies" value={filters.species} onChange={setFilter("species")}
              options={distinct(data.patients.map((p) => p.species))} format={formatSpecies} />
            <FilterSelect label="Pharmacy" name="filterPharmacy" value={filters.pharmacy} onChange={setFilter("pharmacy")}
              options={distinct(data.patients.map((p) => p.line?.pharmacyName))} />
          </div>
          <div className="toolbar">
            <Button
              variant="primary"
              loading={submitting}
              disabled={chosen.length === 0}
            >
              {addLabel}
            </Button>
            {lapsed > 1 ? (
              <>
                <input
                  type="hidden"
                  name="withinDays"
                  value={data.withinDays}
                />
                <Button
                  name="renewAll"
                  value="1"
                  variant="secondary"
                  loading={
                    navigation.state === "submitting" &&
                    navigation.formData?.has("renewAll")
                  }
                >
                  Ask for renewal of all {lapsed}
                </Button>
              </>
            ) : null}
            <span className="muted text-sm">
              {data.patients.length} due ·{" "}
              {GROUPS.map(
                (g) =>
                  `${
                    shown.filter((p) => groupOf(p) === g.group).length
                  } ${g.title.toLowerCase()}`
              ).join(" · ")}{" "}
              · {chosen.length} selected
            </span>
          </div>
          <div
            className="data-table-wrap"
            role="region"
            aria-labelledby="due-caption"
            tabIndex={0}
          >
            <table className="data-table data-table--compact">
              <caption id="due-caption" className="visually-hidden">
                Patients due for a refill
              </caption>
              <thead>
                <tr>
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select all due patients"
                      title="Select every ready line shown"
                      checked={allSelected}
                      onChange={() =>
                        setSelected((s) => {
                          const next = new Set(s);
                          for (const p of readyShown) {
                            if (allSelected) next.delete(p.orderLineId);
                            else next.add(p.orderLineId);
                          }
                          return next;
                        })
                      }
                    />
                  </th>
                  <th scope="col">Patient</th>
                  <th scope="col">Medication</th>
                  <th scope="col">Last filled</th>
                  <th scope="col">Supply</th>
                  <th scope="col">Reorder from</th>
                  <th scope="col" className="align-end">
                    Qty
                  </th>
                  <th scope="col">SIG</th>
                  <th scope="col">Prescriber</th>
                  <th scope="col">Prescription</th>
                </tr>
              </thead>
              {GROUPS.map(({ group, title, hint }) => {
                const rows = shown.filter((p) => groupOf(p) === group);
                if (rows.length === 0) return null;
                return (
                  <tbody
                    key={group}
                    className={`builder__group builder__group--${group}`}
                  >
                    <tr className="data-table__group">
                      <th colSpan={10} scope="rowgroup" id={`group-${group}`}>
                        {title} ({rows.length}){" "}
                        <span className="text-sm muted">— {hint}</span>
                      </th>
                    </tr>
                    {rows.map((p) => (
                      <tr
                        key={p.orderLineId}
                        data-selected={
                          selected.has(p.orderLineId) ? "" : undefined
                        }
                        data-group={group}
                      >
                        <td>
                          {p.line ? (
                            <input
                              type="checkbox"
                              name="orderLineId"
                              value={p.orderLineId}
                              checked={selected.has(p.orderLineId)}
                              onChange={() => toggle(p.orderLineId)}
                              aria-label={`Add ${p.patientName}'s ${p.medicationName}`}
                            />
                          ) : null}
                        </td>
                        <th scope="row">
                          <Link to={`/patients/${p.patientId}`}>
                            {p.patientName}
                          </Link>
                          <br />
                          <span className="text-sm muted">
                            {formatSpecies(p.species)} · {p.ownerName}
                          </span>
                        </th>
                        <td>{p.medicationName}</td>
                        <td className="nowrap">{formatDate(p.lastFilledOn)}</td>
                        <td className="nowrap">
                          <Badge
                            tone={
                              p.daysLeft < 0
                                ? "danger"
                                : p.daysLeft <= 3
                                ? "warning"
                                : "neutral"
                            }
                          >
                            {dueText(p.daysLeft)}
                          </Badge>
                        </td>
                        <td>
                          {p.line ? (
                            <>
                              {p.line.pharmacyName}
                              <br />
                              <span className="text-sm muted">
                                <Money cents={p.line.unitPriceCents} /> / vial
                              </span>
                            </>
                          ) : (
                            "—"
                          )}
                          {p.note ? <p className="text-sm">{p.note}</p> : null}
                        </td>
                        <td className="align-end num">
                          {p.line?.quantity ?? "—"}
                        </td>
                        <td>{p.line?.sig ?? "—"}</td>
                        <td>{p.line?.prescriberName ?? "—"}</td>
                        <td>
                          {p.prescription ? (
                            <div className="stack-sm">
                              {p.prescription.lapse === "not_active" ? (
                                <Badge tone="danger">
                                  {humanize(p.prescription.status)}
                                </Badge>
                              ) : p.prescription.lapse === "expired" ? (
                                <Badge tone="danger">
                                  Expired {formatDate(p.prescription.expiresOn)}
                                </Badge>
                              ) : p.prescription.lapse === "no_refills" ? (
                                <Badge tone="danger">No refills left</Badge>
                              ) : (
                                <span className="text-sm">
                                  {p.prescription.refillsLeft}{" "}
                                  {p.prescription.refillsLeft === 1
                                    ? "refill"
                                    : "refills"}{" "}
                                  left
                                  {p.prescription.renewedFrom
                                    ? " · renewed"
                                    : ""}
                                </span>
                              )}
                              {p.renewal ? (
                                <span className="text-sm">
                                  Renewal asked of {p.renewal.prescriberName} ·{" "}
                                  <Link
                                    to={`/prescriptions/${p.prescription.id}`}
                                  >
                                    prescription
                                  </Link>
                                </span>
                              ) : p.prescription.lapse ? (
                                <Button
                                  size="sm"
                                  name="renewPrescriptionId"
                                  value={p.prescription.id}
                                  loading={asking(p.prescription.id)}
                                  aria-label={`Ask for renewal of ${p.patientName}'s ${p.medicationName}`}
                                >
                                  Ask for renewal
                                </Button>
                              ) : null}
                            </div>
                          ) : (
                            <span className="muted">—</span>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                );
              })}
            </table>
          </div>
          <div className="toolbar">
            <Button
              variant="primary"
              loading={submitting}
              disabled={chosen.length === 0}
            >
              {addLabel}
              <span className="visually-hidden"> (end of the list)</span>
            </Button>
            <span className="muted text-sm">{chosen.length} selected</span>
          </div>
        </Form>
      )}
    </div>
  );
}

/** One of the due list's filters: "Any" and each distinct value, in the filter form. */
function FilterSelect(props: {
  label: string;
  name: string;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
  options: string[];
  format?: (value: string) => string;
}) {
  return (
    <FormField label={props.label} as="select" name={props.name} form="builder-filters" value={props.value} onChange={props.onChange}>
      <option value="">Any</option>
      {props.options.map((o) => (
        <option key={o} value={o}>
          {props.format ? props.format(o) : o}
        </option>
      ))}
    </FormField>
  );
}
