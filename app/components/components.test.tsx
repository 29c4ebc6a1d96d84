import { createRef, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { StaticRouter } from 'react-router-dom/server';
import { describe, expect, it } from 'vitest';
import { AppShell, PharmacyShell } from './app-shell';
import { Badge } from './badge';
import { Button, ButtonLink } from './button';
import { DataTable, type Column } from './data-table';
import { DateText, DateTimeText, RelativeTime } from './date';
import { EmptyState } from './empty-state';
import { FormField } from './form-field';
import { Money } from './money';
import { PageHeader } from './page-header';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';
import { TimeZoneProvider } from './time-zone';
import { Toaster } from './toast';

// Server rendering is what the first page load gets, so these assert the accessible markup
// a browser receives before any script runs.
const render = (element: ReactElement) => renderToStaticMarkup(element);
const atPath = (path: string, element: ReactElement) =>
  render(
    // StaticRouter, not MemoryRouter: MemoryRouter subscribes with useLayoutEffect, which
    // warns when rendered on the server.
    <StaticRouter location={path}>{element}</StaticRouter>,
  );

/** Attributes of the first element matching `tag` whose markup contains `marker`. */
function tagWith(html: string, tag: string, marker: string): string {
  const match = [...html.matchAll(new RegExp(`<${tag}\\b[^>]*>`, 'g'))].find((m) => m[0].includes(marker));
  if (!match) throw new Error(`no <${tag}> containing ${marker} in ${html}`);
  return match[0];
}

describe('AppShell', () => {
  const user = { name: 'Dana Reyes', role: 'front_desk' };
  const shell = (path: string) =>
    atPath(
      path,
      <AppShell clinicName="Riverside Veterinary Hospital" user={user}>
        <p>page</p>
      </AppShell>,
    );

  it('shows product, clinic, user, role and a sign-out form', () => {
    const html = shell('/');
    expect(html).toContain('>vialcart<');
    expect(html).toContain('Riverside Veterinary Hospital');
    expect(html).toContain('Dana Reyes');
    expect(html).toContain('Front desk');
    expect(html).toMatch(/<form method="post" action="\/logout"><button type="submit"[^>]*>Sign out<\/button><\/form>/);
  });

  it('links every section in order and marks the current one', () => {
    const html = shell('/orders/42');
    const nav = html.slice(html.indexOf('<nav'), html.indexOf('</nav>'));
    const links = [...nav.matchAll(/<a [^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => [m[2], m[1]]);
    expect(links).toEqual([
      ['Refill day', '/refill-day'],
      ['Catalog', '/catalog'],
      ['Patients', '/patients'],
      ['Prescriptions', '/prescriptions'],
      ['Requests', '/requests'],
      ['Orders', '/orders'],
      ['Reports', '/reports'],
      ['Settings', '/settings'],
    ]);
    expect(nav.match(/aria-current="page"/g)).toHaveLength(1);
    expect(tagWith(nav, 'a', 'href="/orders"')).toContain('aria-current="page"');
    expect(nav).toContain('aria-label="Primary"');
  });

  it('marks Refill day on the refill-day pages and nothing on the home page', () => {
    const day = shell('/refill-day/builder');
    const dayNav = day.slice(day.indexOf('<nav'), day.indexOf('</nav>'));
    expect(tagWith(dayNav, 'a', 'href="/refill-day"')).toMatch(/aria-current="page"/);
    expect(day.match(/aria-current="page"/g)).toHaveLength(1);
    expect(shell('/').match(/aria-current="page"/g)).toBeNull();
    const catalog = shell('/catalog');
    expect(catalog.match(/aria-current="page"/g)).toHaveLength(1);
  });

  it('has a skip link to a focusable main', () => {
    const html = shell('/');
    expect(html.indexOf('href="#main"')).toBeLessThan(html.indexOf('<nav'));
    expect(tagWith(html, 'main', 'id="main"')).toContain('tabindex="-1"');
    expect(html).toContain('<p>page</p>');
  });

  it('gives pharmacy users their own navigation', () => {
    const html = atPath(
      '/pharmacy',
      <PharmacyShell pharmacyName="Sierra Compounding" user={{ name: 'Pat Kim', role: 'pharmacist' }}>
        <p>orders</p>
      </PharmacyShell>,
    );
    const nav = html.slice(html.indexOf('<nav'), html.indexOf('</nav>'));
    expect(nav.match(/<a /g)).toHaveLength(2);
    expect(tagWith(nav, 'a', 'href="/pharmacy"')).toContain('aria-current="page"');
    expect(tagWith(nav, 'a', 'href="/pharmacy/api-keys"')).not.toContain('aria-current');
    expect(html).toContain('Sierra Compounding');
    expect(html).toContain('Pharmacist');
    expect(html).toContain('action="/logout"');
  });
});

describe('PageHeader', () => {
  it('renders one h1 with description and actions', () => {
    const html = render(<PageHeader title="Catalog" description="Compare pharmacies" actions={<Button>Import</Button>} />);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('Compare pharmacies');
    expect(html).toContain('page-header__actions');
  });
});

type Line = { id: string; patient: string; medication: string; cents: number | null };
const lines: Line[] = [
  { id: 'a', patient: 'Biscuit', medication: 'Methimazole gel', cents: 2450 },
  { id: 'b', patient: 'Biscuit', medication: 'Gabapentin', cents: 900 },
  { id: 'c', patient: 'Juniper', medication: 'Pimobendan', cents: null },
];
const columns: Array<Column<Line>> = [
  { key: 'medication', header: 'Medication', cell: (l) => l.medication, rowHeader: true, sortable: true },
  { key: 'cents', header: 'Landed cost', cell: (l) => <Money cents={l.cents} />, align: 'end', sortable: true },
];

describe('DataTable', () => {
  it('has a caption that labels its scrolling region, and column headers', () => {
    const html = render(<DataTable caption="Cart lines" columns={columns} rows={lines} getRowKey={(l) => l.id} />);
    const caption = /<caption id="([^"]+)"/.exec(html);
    expect(caption).not.toBeNull();
    expect(tagWith(html, 'div', 'data-table-wrap')).toContain(`aria-labelledby="${caption![1]}"`);
    expect(tagWith(html, 'div', 'data-table-wrap')).toContain('tabindex="0"');
    expect(html.match(/<th scope="col"/g)).toHaveLength(2);
    expect(html.match(/<th scope="row"/g)).toHaveLength(3);
    expect(html).toContain('class="align-end"');
  });

  it('makes sortable headers buttons and marks the sorted column with aria-sort', () => {
    const html = render(
      <DataTable
        caption="Cart lines"
        columns={columns}
        rows={lines}
        getRowKey={(l) => l.id}
        sort={{ key: 'cents', direction: 'descending' }}
      />,
    );
    expect(html.match(/<button type="button" class="data-table__sort">/g)).toHaveLength(2);
    expect(html.match(/aria-sort=/g)).toHaveLength(1);
    expect(tagWith(html, 'th', 'aria-sort')).toContain('aria-sort="descending"');
    // Sorted by cost, highest first; the line without a cost goes last.
    const order = ['Methimazole gel', 'Gabapentin', 'Pimobendan'].map((m) => html.indexOf(m));
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('leaves rows in the given order when the sort is controlled from outside', () => {
    const html = render(
      <DataTable
        caption="Cart lines"
        columns={columns}
        rows={lines}
        getRowKey={(l) => l.id}
        sort={{ key: 'medication', direction: 'ascending' }}
        onSortChange={() => {}}
      />,
    );
    expect(html.indexOf('Methimazole gel')).toBeLessThan(html.indexOf('Gabapentin'));
    expect(tagWith(html, 'th', 'aria-sort')).toContain('aria-sort="ascending"');
  });

  it('groups rows under header rows with footers', () => {
    const html = render(
      <DataTable
        caption="Cart by patient"
        columns={columns}
        rows={lines}
        getRowKey={(l) => l.id}
        groupBy={(l) => l.patient}
        groupHeader={(g) => `${g.key} · ${g.rows.length} lines`}
        groupFooter={(g) => <td colSpan={2}>{g.rows.length} subtotal</td>}
      />,
    );
    expect(html.match(/<tbody>/g)).toHaveLength(2);
    // React keeps attribute case in server markup (colSpan, dateTime); HTML ignores it.
    expect(html).toContain('<th colSpan="2" scope="rowgroup">Biscuit · 2 lines</th>');
    expect(html).toContain('Juniper · 1 lines');
    expect(html).toContain('2 subtotal');
  });

  it('shows the empty state across all columns', () => {
    const html = render(
      <DataTable
        caption="Cart lines"
        columns={columns}
        rows={[]}
        getRowKey={(l) => l.id}
        empty={<EmptyState title="The cart is empty" headingLevel={3} />}
      />,
    );
    expect(html).toContain('<td colSpan="2" class="data-table__empty">');
    expect(html).toContain('<h3 class="empty-state__title">The cart is empty</h3>');
  });
});

describe('FormField', () => {
  it('labels the input and links its hint', () => {
    const html = render(<FormField label="Quantity" name="quantity" type="number" hint="Vials" id="qty" required />);
    expect(html).toContain('<label class="field__label" for="qty">');
    const input = tagWith(html, 'input', 'id="qty"');
    expect(input).toContain('aria-describedby="qty-hint"');
    expect(input).toContain('type="number"');
    expect(input).toContain('required');
    expect(input).not.toContain('aria-invalid');
  });

  it('marks an error with aria-invalid and links it with aria-describedby', () => {
    const html = render(<FormField label="SIG" name="sig" as="textarea" id="sig" hint="Dose, route, frequency" error="Add a frequency" defaultValue="1 tab PO" />);
    const control = tagWith(html, 'textarea', 'id="sig"');
    expect(control).toContain('aria-invalid="true"');
    expect(control).toContain('aria-describedby="sig-hint sig-error"');
    expect(html).toContain('<p class="field__error" id="sig-error">Add a frequency</p>');
    expect(html).toContain('>1 tab PO</textarea>');
  });

  it('renders a select with options and unique ids when none is given', () => {
    const html = render(
      <>
        <FormField label="Prescriber" name="prescriberId" as="select" error="Pick one">
          <option value="">Choose…</option>
          <option value="p1">Dr. Okafor</option>
        </FormField>
        <FormField label="Prescriber" name="prescriberId" as="select">
          <option value="p1">Dr. Okafor</option>
        </FormField>
      </>,
    );
    const ids = [...html.matchAll(/<select[^>]* id="([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(html).toContain(`for="${ids[0]}"`);
    expect(tagWith(html, 'select', `id="${ids[0]}"`)).toContain(`aria-describedby="${ids[0]}-error"`);
  });

  it("takes react-hook-form's register props, ref included", () => {
    const ref = createRef<HTMLInputElement>();
    const registered = { name: 'quantity', onChange: async () => true, onBlur: async () => true, ref };
    const html = render(<FormField label="Quantity" {...registered} />);
    expect(tagWith(html, 'input', 'name="quantity"')).toContain('class="input"');
  });

  it('hands id and ARIA to a custom control', () => {
    const html = render(
      <FormField
        label="Patient"
        name="patientId"
        id="patient"
        error="Pick a patient"
        renderControl={(aria) => <input {...aria} role="combobox" aria-expanded={false} />}
      />,
    );
    const control = tagWith(html, 'input', 'role="combobox"');
    expect(control).toContain('id="patient"');
    expect(control).toContain('aria-invalid="true"');
    expect(control).toContain('aria-describedby="patient-error"');
  });
});

describe('Button', () => {
  it('renders variants and sizes as classes', () => {
    expect(render(<Button variant="primary">Pay</Button>)).toBe('<button class="button button--primary">Pay</button>');
    expect(render(<Button variant="danger" size="sm" type="button">Remove</Button>)).toContain(
      'class="button button--danger button--sm"',
    );
  });

  it('stays focusable but busy while loading', () => {
    const html = render(<Button loading>Saving</Button>);
    expect(html).toContain('aria-busy="true"');
    expect(html).toContain('aria-disabled="true"');
    expect(html).not.toContain('disabled=""');
    expect(html).toContain('<span class="button__spinner" aria-hidden="true"></span>');
  });

  it('renders as a link that looks like a button', () => {
    const html = atPath('/', <ButtonLink to="/requests/new" variant="primary">New request</ButtonLink>);
    expect(tagWith(html, 'a', 'href="/requests/new"')).toContain('class="button button--primary"');
  });
});

describe('Badge and StatusBadge', () => {
  it('renders the tone as a class and the text', () => {
    expect(render(<Badge tone="warning">Exam due</Badge>)).toBe('<span class="badge badge--warning">Exam due</span>');
    expect(render(<Badge srPrefix="Species:">Cat</Badge>)).toContain('<span class="visually-hidden">Species: </span>Cat');
  });

  it('looks statuses up in one table', () => {
    expect(render(<StatusBadge kind="order" code="delivery_failed" />)).toContain('badge--danger');
    expect(render(<StatusBadge kind="queue" code="vet_review" />)).toContain('>Veterinarian review<');
    expect(render(<StatusBadge kind="severity" code="warning" />)).toContain('badge--warning');
  });
});

describe('Toaster', () => {
  it('is a polite live region even when empty', () => {
    const html = render(<Toaster />);
    expect(html).toContain('role="status"');
    expect(html).toContain('aria-live="polite"');
    expect(html).not.toContain('toast--');
  });

  it('shows the flash with a labelled dismiss button', () => {
    const html = render(<Toaster message={{ text: 'Order placed with 3 pharmacies', tone: 'success' }} />);
    expect(html).toContain('class="toast toast--success"');
    expect(html).toContain('Order placed with 3 pharmacies');
    expect(tagWith(html, 'button', 'toast__close')).toContain('aria-label="Dismiss notification"');
  });
});

describe('EmptyState', () => {
  it('renders title, description and action', () => {
    const html = render(<EmptyState title="No requests waiting" description="New requests appear here." action={<Button>Refresh</Button>} />);
    expect(html).toContain('<h2 class="empty-state__title">No requests waiting</h2>');
    expect(html).toContain('New requests appear here.');
    expect(html).toContain('>Refresh</button>');
  });
});

describe('ProgressBar', () => {
  it('exposes its value to assistive technology', () => {
    const html = render(<ProgressBar label="Importing feed" value={1240} max={20000} valueText="1,240 of 20,000 rows" />);
    const bar = tagWith(html, 'div', 'role="progressbar"');
    expect(bar).toContain('aria-valuenow="1240"');
    expect(bar).toContain('aria-valuemin="0"');
    expect(bar).toContain('aria-valuemax="20000"');
    expect(bar).toContain('aria-valuetext="1,240 of 20,000 rows"');
    const labelId = /aria-labelledby="([^"]+)"/.exec(bar)![1];
    expect(html).toContain(`<span id="${labelId}">Importing feed</span>`);
    expect(html).toContain('width:6%');
  });

  it('clamps out-of-range values and omits aria-valuenow when indeterminate', () => {
    expect(tagWith(render(<ProgressBar label="x" value={140} />), 'div', 'role="progressbar"')).toContain(
      'aria-valuenow="100"',
    );
    const indeterminate = render(<ProgressBar label="Waiting for the feed" />);
    expect(indeterminate).toContain('progress--indeterminate');
    expect(indeterminate).not.toContain('aria-valuenow');
  });
});

describe('Money and dates', () => {
  it('prints money through formatMoney', () => {
    expect(render(<Money cents={123456} />)).toBe('<span class="money">$1,234.56</span>');
    expect(render(<Money cents={-250} signed />)).toBe('<span class="money money--negative">-$2.50</span>');
  });

  it('prints dates in <time> in the provided zone', () => {
    const html = render(
      <TimeZoneProvider timeZone="America/Los_Angeles">
        <DateText value="2026-11-22T03:00:00Z" /> <DateTimeText value="2026-11-21T23:05:00Z" />{' '}
        <DateText value="2026-11-21" />
      </TimeZoneProvider>,
    );
    expect(html).toContain('<time dateTime="2026-11-22T03:00:00Z">Nov 21, 2026</time>');
    expect(html).toContain('>Nov 21, 2026, 3:05 PM</time>');
    expect(html).toContain('<time dateTime="2026-11-21">Nov 21, 2026</time>');
  });

  it('marks an overdue deadline and gives the exact time as its title', () => {
    const html = render(
      <RelativeTime value="2026-11-21T10:55:00Z" now="2026-11-21T12:00:00Z" deadline />,
    );
    expect(html).toBe(
      '<time dateTime="2026-11-21T10:55:00Z" title="Nov 21, 2026, 10:55 AM" class="overdue">overdue 1 h 5 min</time>',
    );
  });
});
