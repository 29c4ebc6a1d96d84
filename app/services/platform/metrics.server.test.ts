import { describe, expect, it } from 'vitest';
import { routeOf, routePatterns } from './metrics.server';

// The shape of a Remix server build's `routes`: ids with their own path and their parent.
const routes = {
  root: { path: '' },
  'routes/_clinic': { parentId: 'root' },
  'routes/_clinic.patients.$id': { parentId: 'routes/_clinic', path: 'patients/:id' },
  'routes/_clinic.patients.new': { parentId: 'routes/_clinic', path: 'patients/new' },
  'routes/_clinic.patients._index': { parentId: 'routes/_clinic', path: 'patients' },
  'routes/api.v1.patients.$id.weights': { parentId: 'root', path: 'api/v1/patients/:id/weights' },
  'routes/webhooks.intake.$clinicSlug': { parentId: 'root', path: 'webhooks/intake/:clinicSlug' },
  'routes/api.$': { parentId: 'root', path: 'api/*' },
  'routes/healthz': { parentId: 'root', path: 'healthz' },
};

describe('naming a request by its route pattern', () => {
  const patterns = routePatterns(routes);

  it('names ids by their parameter, so one route is one series', () => {
    expect(routeOf(patterns, '/patients/0b7a8a53-8a3e-4a45-9d4a-6d4c8b1e2f00')).toBe('/patients/:id');
    expect(routeOf(patterns, '/api/v1/patients/123/weights?x=1')).toBe('/api/v1/patients/:id/weights');
    expect(routeOf(patterns, '/webhooks/intake/riverside')).toBe('/webhooks/intake/:clinicSlug');
  });

  it('prefers a static segment to a parameter', () => {
    expect(routeOf(patterns, '/patients/new')).toBe('/patients/new');
    expect(routeOf(patterns, '/patients')).toBe('/patients');
  });

  it('lets a splat take the rest, and names what no route answers as unmatched', () => {
    expect(routeOf(patterns, '/api/v9/anything/at/all')).toBe('/api/*');
    expect(routeOf(patterns, '/no/such/page')).toBe('unmatched');
    expect(routeOf(patterns, '/build/_shared/chunk-ABC.js')).toBe('/build/*');
    expect(routeOf(patterns, '/')).toBe('/');
  });
});
