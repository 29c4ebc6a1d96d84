import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '../../db/client';
import { DEMO_IDS } from '../../db/seed';
import * as catalogPatients from '../../app/routes/_clinic.catalog_.patients';
import * as patientsPage from '../../app/routes/_clinic.patients._index';
import * as searchRoute from '../../app/routes/_clinic.refill-day_.search-patients';
import { call, request, signIn } from '../support/requests';

// The patient pickers' search: a pet's name typed into a picker finds that pet first and never
// the pet of an owner whose name merely contains it; an option where only the owner's name
// matched says so; each option carries species, breed, weight, age and owner; a search longer
// than any name finds nothing (not every patient); the other clinic's patients never show.

type Option = { id: string; name: string; species: string; breed: string | null; clientName: string; weightKg: number | null; age: string | null; matchedBy: string };

let tech: string;
let lakeside: string;
const ids = { charlie: randomUUID(), bear: randomUUID(), luna: randomUUID(), bella: randomUUID(), lakesideLuna: randomUUID() };

beforeAll(async () => {
  [tech, lakeside] = await Promise.all([signIn('tech@riverside.example'), signIn('manager@lakeside.example')]);
  const db = getDb();
  const owner = (clinicId: string, firstName: string, lastName: string) => ({ id: randomUUID(), clinicId, firstName, lastName, state: 'CA', phone: '+19165550199' });
  const lunaHill = owner(DEMO_IDS.riverside, 'Luna', 'Hill');
  const isabella = owner(DEMO_IDS.riverside, 'Isabella', 'Zquorra');
  const other = owner(DEMO_IDS.riverside, 'Tamsin', 'Qelloway');
  const lake = owner(DEMO_IDS.lakeside, 'Ned', 'Lakeman');
  await db.insertInto('clients').values([lunaHill, isabella, other, lake]).execute();
  const pet = (id: string, clinicId: string, clientId: string, name: string, species: 'dog' | 'cat', breed: string) => ({
    id, clinicId, clientId, name, species, breed, status: 'active' as const, weightKg: 12.5, weightMeasuredOn: '2026-11-01', birthDate: '2022-05-01',
  });
  await db
    .insertInto('patients')
    .values([
      pet(ids.charlie, DEMO_IDS.riverside, lunaHill.id, 'Charlie', 'dog', 'Beagle'),
      pet(ids.bear, DEMO_IDS.riverside, isabella.id, 'Bear', 'dog', 'Newfoundland'),
      pet(ids.luna, DEMO_IDS.riverside, other.id, 'Luna', 'cat', 'Siamese'),
      pet(ids.bella, DEMO_IDS.riverside, other.id, 'Bella', 'cat', 'Maine Coon'),
      pet(ids.lakesideLuna, DEMO_IDS.lakeside, lake.id, 'Luna', 'dog', 'Husky'),
    ])
    .execute();
});

async function search(q: string, cookie = tech): Promise<Option[]> {
  const res = await call(searchRoute.loader as never, request(`/refill-day/search-patients?q=${encodeURIComponent(q)}`, { cookie }));
  expect(res.status).toBe(200);
  return ((await res.json()) as { options: Option[] }).options;
}

describe('patient pickers search', () => {
  it('ranks pets named "Luna" before the pets of owner Luna Hill, and says when only the owner matched', async () => {
    const options = await search('Luna');
    const luna = options.findIndex((o) => o.id === ids.luna);
    expect(luna).toBeGreaterThanOrEqual(0);
    expect(options[0]!.matchedBy).toBe('pet');
    // Every pet-name match comes before every owner-only match; Charlie, if listed at all, after them.
    const firstOwner = options.findIndex((o) => o.matchedBy === 'owner');
    const petMatches = options.slice(0, firstOwner === -1 ? options.length : firstOwner);
    expect(petMatches.every((o) => o.name.toLowerCase().split(/\s+/).some((w) => w.startsWith('luna')))).toBe(true);
    expect(options.slice(firstOwner === -1 ? options.length : firstOwner).every((o) => o.matchedBy !== 'pet')).toBe(true);
    expect(petMatches.map((o) => o.id)).not.toContain(ids.charlie);
    expect(options[luna]).toMatchObject({ name: 'Luna', matchedBy: 'pet', species: 'cat', breed: 'Siamese', weightKg: 12.5, clientName: 'Tamsin Qelloway' });
    expect(options[luna]!.age).toMatch(/^\d+ (y|mo|wk)$/);
    // Where the list has room, the owner's pets follow, marked as an owner match.
    const hill = await search('Luna Hi');
    expect(hill.find((o) => o.id === ids.charlie)).toMatchObject({ name: 'Charlie', clientName: 'Luna Hill', matchedBy: 'owner', breed: 'Beagle' });
  });

  it('matches owner names only at word starts: "Bella" never finds Bear of owner Isabella', async () => {
    const options = await search('Bella');
    expect(options.some((o) => o.id === ids.bella)).toBe(true);
    expect(options.some((o) => o.id === ids.bear)).toBe(false);
    expect(options.every((o) => o.matchedBy === 'pet')).toBe(true);
    // The owner is still found by the start of her name.
    expect((await search('Isab')).map((o) => o.id)).toContain(ids.bear);
  });

  it('finds a pet with its owner ("luna hill" → Charlie), by phone digits, and never another clinic’s pet', async () => {
    expect((await search('charlie hill')).map((o) => o.id)).toContain(ids.charlie);
    const lakesideIds = (await search('Luna', lakeside)).map((o) => o.id);
    expect(lakesideIds).toContain(ids.lakesideLuna);
    expect(lakesideIds).not.toContain(ids.luna);
    expect((await search('Luna')).map((o) => o.id)).not.toContain(ids.lakesideLuna);
    const byPhone = await search('555-0199');
    expect(byPhone.length).toBeGreaterThan(0);
    expect(byPhone.every((o) => o.matchedBy === 'id')).toBe(true);
  });

  it('a 150-character search finds nothing on the pickers and the patients page, instead of every patient', async () => {
    const long = 'Luna '.repeat(30);
    expect(long.length).toBe(150);
    expect(await search(long)).toEqual([]);
    const catalog = await call(catalogPatients.loader as never, request(`/catalog/patients?q=${encodeURIComponent(long)}`, { cookie: tech }));
    expect(((await catalog.json()) as { patients: unknown[] }).patients).toEqual([]);
    const page = await call(patientsPage.loader as never, request(`/patients?q=${encodeURIComponent(long)}`, { cookie: tech }));
    const body = (await page.json()) as { total: number; patients: unknown[] };
    expect(body.total).toBe(0);
    expect(body.patients).toEqual([]);
    // A short search still works on the page, with the same ranking.
    const luna = (await (await call(patientsPage.loader as never, request('/patients?q=luna', { cookie: tech }))).json()) as { total: number; patients: { id: string }[] };
    expect(luna.total).toBeGreaterThanOrEqual(2);
    expect(luna.patients.map((p) => p.id)).toContain(ids.charlie);
  });
});
