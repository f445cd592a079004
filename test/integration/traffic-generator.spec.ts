import { METRIC_DEFINITIONS, METRICS } from '@infrastructure/metrics';
import { runTraffic, type TrafficOptions, type TrafficSummary } from '../../scripts/traffic/generator';
import { ROUTES } from '../../scripts/traffic/virtual-user';
import { startApi, type RunningApi } from '../support/api-process';
import { Exposition } from '../support/prometheus-text';
import { stopAll } from '../support/processes';
import { waitFor } from '../support/wait';

/**
 * The traffic generator against the built API: each scenario, run briefly, does what it is for —
 * `normal` moves every one of the 24 catalogue metrics and hits every route of the API, its summary
 * agreeing exactly with the API's own request counter; `brute-force` produces > 10 failed logins;
 * `payment-failures` a failed/total payment ratio > 5%; `all` both — and a run stops by itself at
 * whichever bound (requests, duration) comes first.
 *
 * API knobs (documented in scripts/traffic/README.md): access tokens live 2 s so that sessions
 * expire and get refreshed during a short run (token_expired, token_refresh); the rate limiter
 * allows 15 requests per route per 5 s window so that hot routes meet it (rate_limit_hits) while
 * the generator's back-off keeps every scenario going.
 */
const METRICS_TOKEN = 'traffic-test-metrics-token';
const API_ENV = {
  METRICS_TOKEN,
  JWT_SECRET: 'traffic-test-jwt-secret-of-at-least-32-chars',
  ACCESS_TOKEN_TTL_S: '2',
  THROTTLE_LIMIT: '15',
  THROTTLE_TTL_MS: '5000',
};
/** Bounds of each scenario run. */
const REQUESTS = 300;
const DURATION_MS = 20_000;

let api: RunningApi;

beforeAll(async () => {
  api = await startApi(API_ENV, 'api (traffic)');
});
afterAll(async () => {
  await api?.stop();
  await stopAll();
});

async function scrape(): Promise<Exposition> {
  const res = await api.client.metrics(METRICS_TOKEN);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  return new Exposition(res.body);
}

function run(
  scenario: TrafficOptions['scenario'],
  overrides: Partial<TrafficOptions> = {},
): Promise<TrafficSummary> {
  return runTraffic({
    baseUrl: api.url,
    scenario,
    requests: REQUESTS,
    durationMs: DURATION_MS,
    concurrency: 4,
    metricsToken: METRICS_TOKEN,
    ...overrides,
  });
}

/** Sum over the matching series; 0 while a family has no series yet (route-labelled ones appear on first use). */
const sum = (e: Exposition, name: string, labels: Record<string, string> = {}) =>
  e.families.has(name) ? e.total(name, labels) : 0;
const delta = (before: Exposition, after: Exposition, name: string, labels: Record<string, string> = {}) =>
  sum(after, name, labels) - sum(before, name, labels);

/** Requests the summary counted per `METHOD route status` (answered requests only). */
function summaryCounts(s: TrafficSummary): Record<string, number> {
  return Object.fromEntries(
    s.byRoute
      .filter((r) => /^\d+$/.test(r.status))
      .map((r) => [`${r.method} ${r.route} ${r.status}`, r.count]),
  );
}

describe('normal', () => {
  let before: Exposition;
  let after: Exposition;
  let summary: TrafficSummary;
  const inFlightDuringRun: number[] = [];

  beforeAll(async () => {
    before = await scrape();
    let running = true;
    // Scrapes while the workers run: the in-flight gauge is only above the scrape itself then.
    const sampler = (async () => {
      while (running) {
        inFlightDuringRun.push((await scrape()).value(METRICS.httpRequestsInFlight.name));
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    summary = await run('normal', { seed: 20240601 });
    running = false;
    await sampler;
    // State gauges are read through a short cache: wait until a scrape sees the new state.
    const observed = [METRICS.authActiveSessions, METRICS.activeUsers, METRICS.premiumSubscribers].map(
      (m) => m.name,
    );
    after = await waitFor(
      'the state gauges to be read again',
      async () => {
        const e = await scrape();
        return observed.every((name) => sum(e, name) !== sum(before, name)) && e;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  }, 60_000);

  it('stops by itself at the request bound, with no request left unanswered', () => {
    expect(summary.stoppedBy).toBe('requests');
    expect(summary.requests).toBe(REQUESTS);
    expect(summary.errors).toBe(0);
    expect(summary.byRoute.reduce((s, r) => s + r.count, 0)).toBe(REQUESTS);
  });

  it('hits every route of the API, unknown routes and premium 403s included', () => {
    const routes = new Set(summary.byRoute.map((r) => r.route));
    expect([...Object.values(ROUTES)].filter((r) => !routes.has(r))).toEqual([]);
    const counts = summaryCounts(summary);
    expect(counts[`POST ${ROUTES.views} 403`]).toBeGreaterThan(0);
    expect(counts[`POST ${ROUTES.payments} 402`] ?? 0).toBeLessThan(counts[`POST ${ROUTES.payments} 201`]);
  });

  it("agrees exactly with the API's own request counter, route template by status", () => {
    const counted: Record<string, number> = {};
    for (const s of after.family(METRICS.httpRequests.name).samples) {
      if (s.labels.path === '/metrics') continue; // the test's scrapes
      const moved = s.value - before.value(METRICS.httpRequests.name, s.labels);
      if (moved) counted[`${s.labels.method} ${s.labels.path} ${s.labels.status_code}`] = moved;
    }
    expect(counted).toEqual(summaryCounts(summary));
  });

  it('moves every one of the 24 catalogue metrics', () => {
    const unmoved = METRIC_DEFINITIONS.map((d) => d.name).filter((name) =>
      name === METRICS.httpRequestsInFlight.name
        ? Math.max(...inFlightDuringRun) <= 1 // 1 is the scrape itself
        : sum(after, name) === sum(before, name),
    );
    expect(METRIC_DEFINITIONS).toHaveLength(24);
    expect(unmoved).toEqual([]);
  });

  it('expires, refreshes and rate-limits like real clients, backing off on each 429', () => {
    expect(delta(before, after, METRICS.authTokenExpired.name)).toBeGreaterThan(0);
    expect(delta(before, after, METRICS.authTokenRefresh.name)).toBeGreaterThan(0);
    expect(summary.rateLimited).toBe(delta(before, after, METRICS.rateLimitHits.name));
  });
});

describe('fault scenarios', () => {
  it('brute-force: more than 10 failed logins, against a few accounts, with nothing secret in the summary', async () => {
    const before = await scrape();
    const summary = await run('brute-force', { requests: 120 });
    const after = await scrape();
    expect(delta(before, after, METRICS.authFailedLogin.name)).toBeGreaterThan(10);
    expect(delta(before, after, METRICS.riskEvents.name, { risk_type: 'brute_force' })).toBeGreaterThan(0);
    // Three target accounts registered, every other request a login.
    expect(summaryCounts(summary)[`POST ${ROUTES.register} 201`]).toBe(3);
    // No account e-mail, password or token (JWTs start with eyJ) ever reaches the output.
    expect(JSON.stringify(summary)).not.toMatch(/@example\.test|eyJ|"password"/);
  });

  it('payment-failures: a failed/total payment ratio above 5%', async () => {
    const before = await scrape();
    await run('payment-failures', { requests: 150 });
    const after = await scrape();
    const total = delta(before, after, METRICS.paymentTransactions.name);
    const failed = delta(before, after, METRICS.paymentTransactions.name, { status: 'failed' });
    expect(total).toBeGreaterThan(20);
    expect(failed / total).toBeGreaterThan(0.05);
  });

  it('all: normal traffic with both faults interleaved', async () => {
    const before = await scrape();
    const summary = await run('all');
    const after = await scrape();
    const payments = delta(before, after, METRICS.paymentTransactions.name);
    const failed = delta(before, after, METRICS.paymentTransactions.name, { status: 'failed' });
    expect(delta(before, after, METRICS.authFailedLogin.name)).toBeGreaterThan(10);
    expect(failed / payments).toBeGreaterThan(0.05);
    expect(delta(before, after, METRICS.contentViews.name)).toBeGreaterThan(0);
    expect(summary.requests).toBeLessThanOrEqual(REQUESTS);
  });
});

describe('bounds', () => {
  it('stops at the deadline when the request bound is far away, aborting what is in flight', async () => {
    const durationMs = 1_500;
    const summary = await run('normal', { requests: 1_000_000, durationMs });
    expect(summary.stoppedBy).toBe('duration');
    expect(summary.requests).toBeLessThan(1_000_000);
    expect(summary.durationMs).toBeGreaterThanOrEqual(durationMs);
    // Requests in flight at the deadline are aborted, not awaited: the run ends right after it.
    expect(summary.durationMs).toBeLessThan(durationMs + 5_000);
  });

  it('refuses bounds that would not end a run', async () => {
    await expect(run('normal', { requests: 0 })).rejects.toThrow('requests must be a positive integer');
    await expect(run('normal', { durationMs: Infinity })).rejects.toThrow(
      'durationMs must be a positive number',
    );
  });
});
