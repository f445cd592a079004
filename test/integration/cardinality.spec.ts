import { randomBytes } from 'node:crypto';
import { HTTP_METHODS, METRICS, OTHER, UNMATCHED_ROUTE } from '@infrastructure/metrics';
import { startApi, type RunningApi } from '../support/api-process';
import { Exposition } from '../support/prometheus-text';

/**
 * Cardinality bounds (docs/architecture.md#cardinality-bounds): a flood of random URLs, methods and
 * header values cannot grow the number of series.
 * The API's route table, typed here: the only `path` values the API may ever expose.
 */
const API_ROUTES = [
  '/api/v1/auth/register',
  '/api/v1/auth/login',
  '/api/v1/auth/refresh',
  '/api/v1/auth/logout',
  '/api/v1/me',
  '/api/v1/contents',
  '/api/v1/contents/:id',
  '/api/v1/contents/:id/views',
  '/api/v1/contents/:id/streams',
  '/api/v1/streams/:streamId',
  '/api/v1/contents/:id/reactions',
  '/api/v1/contents/:id/favorite',
  '/api/v1/profiles',
  '/api/v1/profiles/:id/switch',
  '/api/v1/devices',
  '/api/v1/subscriptions',
  '/api/v1/payments',
  '/health/live',
  '/health/ready',
  '/metrics',
];

const FLOOD = 2_000;
const CONCURRENCY = 16;
// Standard, WebDAV and made-up methods; fetch refuses only CONNECT, TRACE and TRACK.
const METHODS = [...HTTP_METHODS, 'PROPFIND', 'MKCOL', 'BREW', 'X-RANDOM', 'purge'];

describe('a flood of random URLs, methods and headers', () => {
  let api: RunningApi;
  let exposition: Exposition;
  const statuses = new Map<number, number>();
  /** Answers from the application (JSON); Node's HTTP parser answers a bare 400 to invalid methods. */
  let reachedApp = 0;
  const parserRejected = new Set<string>();

  beforeAll(async () => {
    api = await startApi({ METRICS_TOKEN: '', THROTTLE_LIMIT: '100000' }, 'api (cardinality)');
    let next = 0;
    const worker = async () => {
      while (next < FLOOD) {
        const i = next++;
        const method = METHODS[i % METHODS.length];
        const path = `/${randomBytes(6).toString('hex')}/${i}/${encodeURIComponent(randomBytes(4).toString('base64'))}?q=${i}`;
        const res = await fetch(`${api.url}${i % 3 === 0 ? '/api/v1' : ''}${path}`, {
          method,
          headers: { 'user-agent': `flood-${randomBytes(8).toString('hex')}`, 'x-request-id': String(i) },
        });
        await res.arrayBuffer();
        if ((res.headers.get('content-type') ?? '').includes('application/json')) reachedApp++;
        else parserRejected.add(method);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    exposition = new Exposition((await api.client.metrics()).body);
  });

  afterAll(() => api?.stop());

  it('gets a 4xx for every request, never a 5xx', () => {
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBe(FLOOD);
    for (const status of statuses.keys()) expect(status).toBeGreaterThanOrEqual(400);
    for (const status of statuses.keys()) expect(status).toBeLessThan(500);
  });

  it('leaves at most routes + 1 values of `path`', () => {
    const paths = exposition.labelValues(METRICS.httpRequests.name, 'path');
    expect(paths.size).toBeLessThanOrEqual(API_ROUTES.length + 1);
    for (const p of paths) expect([...API_ROUTES, UNMATCHED_ROUTE]).toContain(p);
    expect(paths).toContain(UNMATCHED_ROUTE);
  });

  it('folds unknown methods into `other` and counts every request', () => {
    const methods = exposition.labelValues(METRICS.httpRequests.name, 'method');
    for (const m of methods) expect([...HTTP_METHODS, OTHER]).toContain(m);
    expect(methods).toContain(OTHER);
    // Every request that reached the application is counted; requests whose method is not an HTTP
    // token Node's parser knows never become requests (Node answers 400 and closes the connection).
    expect(exposition.total(METRICS.httpRequests.name, { path: UNMATCHED_ROUTE })).toBe(reachedApp);
    expect(reachedApp).toBeGreaterThan(FLOOD / 2);
    expect([...parserRejected].sort()).toEqual(['BREW', 'X-RANDOM', 'purge']);
  });

  it('keeps the whole HTTP series count bounded', () => {
    // methods (7 + other) x statuses seen x (routes + unmatched): here, unmatched only.
    const series = exposition.family(METRICS.httpRequests.name).samples.length;
    expect(series).toBeLessThanOrEqual((HTTP_METHODS.length + 1) * statuses.size + API_ROUTES.length);
  });
});
