import { expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { METRIC_DEFINITIONS, METRICS, RUNTIME_METRICS, prometheusType } from '@infrastructure/metrics';
import { PLANS } from '../../src/payments/plans';
import { TEST_CARDS, type ApiClient, type ContentItem } from '../../scripts/traffic/api-client';
import { startApi, type RunningApi } from '../support/api-process';
import { Exposition } from '../support/prometheus-text';
import { startPostgres, startRedis, type RunningServer } from '../support/servers';
import { tool } from '../support/tools';
import { waitFor } from '../support/wait';

/**
 * The real API (preload included) driven through every route of the API, then scraped: each of the
 * 24 catalogue metrics must be in the exposition with its type and label names, and must have moved
 * by exactly what the traffic did. Run on the embedded defaults and on real PostgreSQL + Redis.
 */

const METRICS_TOKEN = 'exposition-test-metrics-token';
const JWT_SECRET = 'exposition-test-jwt-secret-of-at-least-32-chars';
const PASSWORD = 'correct horse battery';
const COMMON_ENV = {
  METRICS_TOKEN,
  JWT_SECRET,
  LOGIN_MAX_FAILURES: '3',
  THROTTLE_LIMIT: '40',
  THROTTLE_TTL_MS: '60000',
};

/**
 * promtool's lint warnings that the established names force, and only those: these gauges are named
 * `..._total`, a suffix Prometheus reserves for counters (the names are kept because existing
 * dashboards and alerts use them).
 */
const ALLOWED_PROMTOOL_WARNINGS = [
  'mytelevision_auth_active_sessions_total non-counter metrics should not have "_total" suffix',
  'mytelevision_active_streams_total non-counter metrics should not have "_total" suffix',
  'mytelevision_active_users_total non-counter metrics should not have "_total" suffix',
  'mytelevision_premium_subscribers_total non-counter metrics should not have "_total" suffix',
];

interface Backend {
  readonly name: string;
  start(): Promise<{ env: Record<string, string>; servers: RunningServer[] }>;
}

const BACKENDS: Backend[] = [
  { name: 'embedded PGlite and in-process store', start: () => Promise.resolve({ env: {}, servers: [] }) },
  {
    name: 'real PostgreSQL and Redis',
    start: async () => {
      const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
      // As compose runs it: the password from a secret file, not in the URL.
      const url = new URL(pg.url);
      const passwordFile = join(mkdtempSync(join(tmpdir(), 'mtv-secret-')), 'postgres_password');
      writeFileSync(passwordFile, decodeURIComponent(url.password), { mode: 0o600 });
      url.password = '';
      return {
        env: { DATABASE_URL: url.toString(), DATABASE_PASSWORD_FILE: passwordFile, REDIS_URL: redis.url },
        servers: [pg, redis],
      };
    },
  },
];

type Labels = Record<string, string>;

/** What the traffic should have done to each series: counter deltas and gauge values. */
class Expectations {
  readonly counters: Array<[string, Labels, number]> = [];
  readonly gauges: Array<[string, Labels, number]> = [];

  count(name: string, labels: Labels = {}, by = 1): void {
    const existing = this.counters.find(
      ([n, l]) => n === name && JSON.stringify(l) === JSON.stringify(labels),
    );
    if (existing) existing[2] += by;
    else this.counters.push([name, labels, by]);
  }

  gauge(name: string, labels: Labels, value: number): void {
    this.gauges.push([name, labels, value]);
  }

  /** One request the test made: counted under its route template and status. */
  request(method: string, path: string, status: number): void {
    this.count(METRICS.httpRequests.name, { method, path, status_code: String(status) });
  }
}

describe.each(BACKENDS)('GET /metrics after every route, on $name', (backend) => {
  let api: RunningApi;
  let servers: RunningServer[] = [];
  let before: Exposition;
  let after: Exposition;
  const expected = new Expectations();

  beforeAll(async () => {
    const started = await backend.start();
    servers = started.servers;
    api = await startApi({ ...COMMON_ENV, ...started.env }, `api (${backend.name})`);
    before = await scrape(api.client);
    await driveEveryRoute(api.client, expected);
    // State gauges are read through a short cache (docs/decisions.md#the-metric-catalogue): the scrape
    // after the traffic is the first one that sees the subscription once the cached value has aged out.
    after = await waitFor(
      'the state gauges to be read again',
      async () => {
        const e = await scrape(api.client);
        return e.value(METRICS.premiumSubscribers.name) === 1 ? e : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 500 },
    );
  });

  afterAll(async () => {
    await api?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('refuses a scrape without the bearer token', async () => {
    expect((await api.client.metrics()).status).toBe(401);
    expect((await api.client.metrics('wrong-token')).status).toBe(401);
  });

  it('exposes each of the 24 catalogue metrics with its type and label names', () => {
    for (const d of METRIC_DEFINITIONS) {
      const family = after.family(d.name);
      expect([d.name, family.type]).toEqual([d.name, prometheusType(d.kind)]);
      expect(family.samples.length).toBeGreaterThan(0);
      for (const s of family.samples) {
        const labels = Object.keys(s.labels)
          .filter((l) => l !== 'le')
          .sort();
        expect([d.name, labels]).toEqual([d.name, Object.keys(d.labels).sort()]);
      }
    }
  });

  it('moves every metric by exactly what the traffic did', () => {
    // The expectations cover the whole catalogue (the histogram has its own test below).
    const covered = new Set([...expected.counters, ...expected.gauges].map(([name]) => name));
    covered.add(METRICS.httpRequestDuration.name);
    expect([...covered].sort()).toEqual(METRIC_DEFINITIONS.map((d) => d.name).sort());
    for (const [name, labels, delta] of expected.counters) {
      const moved = after.value(name, labels) - before.value(name, labels);
      expect({ name, labels, moved }).toEqual({ name, labels, moved: expect.closeTo(delta, 6) });
    }
    for (const [name, labels, value] of expected.gauges) {
      expect({ name, labels, value: after.value(name, labels) }).toEqual({ name, labels, value });
    }
  });

  it('times every counted request in the duration histogram', () => {
    for (const s of after.family(METRICS.httpRequests.name).samples) {
      const h = after.find(METRICS.httpRequestDuration.name, s.labels);
      // The scrape that produced `after` is counted in neither until it ends.
      expect({ series: s.labels, timed: h?.value }).toEqual({ series: s.labels, timed: s.value });
    }
  });

  it('labels requests with route templates only', () => {
    const paths = after.labelValues(METRICS.httpRequests.name, 'path');
    for (const p of paths) expect(p).toMatch(/^(\/[A-Za-z0-9/:-]*|unmatched)$/);
    expect(paths).toContain('/api/v1/contents/:id');
    expect(paths).toContain('unmatched');
    expect([...paths].some((p) => /[0-9a-f]{8}-/.test(p))).toBe(false);
  });

  it('has the process and runtime metrics and no otel_scope labels', () => {
    for (const m of Object.values(RUNTIME_METRICS)) {
      if (m === RUNTIME_METRICS.processOpenFds) continue; // Linux only, checked below when present
      expect([m.name, after.family(m.name).type]).toEqual([m.name, m.type]);
    }
    expect(after.value(RUNTIME_METRICS.processResidentMemory.name)).toBeGreaterThan(10 * 1024 * 1024);
    expect(after.text).not.toMatch(/otel_scope_/);
  });

  it('passes `promtool check metrics` but for the warnings the established names force', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtv-promtool-'));
    try {
      const file = join(dir, 'metrics.txt');
      writeFileSync(file, after.text);
      let output = '';
      try {
        output = execFileSync('sh', [
          '-c',
          '"$0" check metrics < "$1" 2>&1',
          tool('promtool'),
          file,
        ]).toString();
      } catch (error) {
        output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
      }
      const problems = output
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !ALLOWED_PROMTOOL_WARNINGS.includes(l));
      expect(problems).toEqual([]);
      // The allow-list holds no stale entry: each allowed warning is really emitted.
      for (const w of ALLOWED_PROMTOOL_WARNINGS) expect(output).toContain(w);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function scrape(client: ApiClient): Promise<Exposition> {
  const res = await client.metrics(METRICS_TOKEN);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
  return new Exposition(res.body);
}

async function driveEveryRoute(client: ApiClient, x: Expectations): Promise<void> {
  const P = '/api/v1';
  const expectStatus = async <T>(
    call: Promise<{ status: number; body: T }>,
    status: number,
    method: string,
    template: string,
  ): Promise<T> => {
    const res = await call;
    expect({ template, status: res.status, body: res.body }).toEqual({
      template,
      status,
      body: expect.anything(),
    });
    x.request(method, template, status);
    return res.body;
  };
  const M = METRICS;
  const suffix = `${process.pid}-${Date.now()}`;
  const alice = `alice-${suffix}@example.test`;
  const bob = `bob-${suffix}@example.test`;

  // Registration (registrations_total by source); the same email again is a conflict.
  await expectStatus(client.register(alice, PASSWORD, 'ios'), 201, 'POST', `${P}/auth/register`);
  await expectStatus(client.register(bob, PASSWORD), 201, 'POST', `${P}/auth/register`);
  await expectStatus(client.register(alice, PASSWORD), 409, 'POST', `${P}/auth/register`);
  x.count(M.registrations.name, { source: 'ios' });
  x.count(M.registrations.name, { source: 'web' });

  // Logins: a wrong password and an unknown user really fail; then a success.
  await expectStatus(client.login(alice, 'wrong password!'), 401, 'POST', `${P}/auth/login`);
  await expectStatus(client.login(`nobody-${suffix}@example.test`, PASSWORD), 401, 'POST', `${P}/auth/login`);
  let tokens = await expectStatus(client.login(alice, PASSWORD), 200, 'POST', `${P}/auth/login`);
  x.count(M.authLogin.name, { provider: 'local', status: 'failure' }, 2);
  x.count(M.authFailedLogin.name, { reason: 'invalid_credentials' });
  x.count(M.authFailedLogin.name, { reason: 'unknown_user' });
  x.count(M.authLogin.name, { provider: 'local', status: 'success' });

  // Refresh rotates the pair; the old refresh token is then refused.
  await expectStatus(client.refresh(tokens.refreshToken), 200, 'POST', `${P}/auth/refresh`);
  // Presenting the spent token again is refused and ends that session (theft detection).
  await expectStatus(client.refresh(tokens.refreshToken), 401, 'POST', `${P}/auth/refresh`);
  x.count(M.authTokenRefresh.name);
  tokens = await expectStatus(client.login(alice, PASSWORD), 200, 'POST', `${P}/auth/login`);
  x.count(M.authLogin.name, { provider: 'local', status: 'success' });
  const token = tokens.accessToken;

  // An expired access token (signed with the API's secret, expired an hour ago).
  const expired = jwt.sign(
    { sub: 'someone', sid: 'some-session', exp: Math.floor(Date.now() / 1000) - 3600 },
    JWT_SECRET,
    {
      issuer: 'mytelevision-api',
    },
  );
  await expectStatus(client.me(expired), 401, 'GET', `${P}/me`);
  x.count(M.authTokenExpired.name);

  const me = await expectStatus(client.me(token), 200, 'GET', `${P}/me`);
  expect(me.accessType).toBe('free');

  // The catalogue.
  const all = await expectStatus(client.contents(), 200, 'GET', `${P}/contents`);
  await expectStatus(client.contents('movie'), 200, 'GET', `${P}/contents`);
  const free = (type: string) => all.find((c: ContentItem) => c.type === type && !c.premium)!;
  const premium = (type: string) => all.find((c: ContentItem) => c.type === type && c.premium)!;
  const movie = free('movie');
  const liveShow = free('live');
  const premiumDoc = premium('documentary');
  expect([movie, liveShow, premiumDoc].every(Boolean)).toBe(true);
  await expectStatus(client.content(movie.id), 200, 'GET', `${P}/contents/:id`);
  await expectStatus(client.content('no-such-title'), 404, 'GET', `${P}/contents/:id`);

  // Views: free content counts; premium content without a subscription is refused and not counted.
  await expectStatus(client.view(token, movie.id), 201, 'POST', `${P}/contents/:id/views`);
  await expectStatus(client.view(token, premiumDoc.id), 403, 'POST', `${P}/contents/:id/views`);
  x.count(M.contentViews.name, { content_type: 'movie', access_type: 'free' });

  // Streams: two started, one stopped; stopping it twice is a 404.
  const s1 = await expectStatus(
    client.startStream(token, liveShow.id),
    201,
    'POST',
    `${P}/contents/:id/streams`,
  );
  await expectStatus(client.startStream(token, liveShow.id), 201, 'POST', `${P}/contents/:id/streams`);
  await expectStatus(client.stopStream(token, s1.streamId), 204, 'DELETE', `${P}/streams/:streamId`);
  await expectStatus(client.stopStream(token, s1.streamId), 404, 'DELETE', `${P}/streams/:streamId`);
  x.gauge(M.activeStreams.name, { content_type: 'live' }, 1);
  x.gauge(M.activeStreams.name, { content_type: 'movie' }, 0);

  // Reactions and favourites (only real changes count).
  await expectStatus(client.react(token, movie.id, 'love'), 201, 'POST', `${P}/contents/:id/reactions`);
  x.count(M.reactions.name, { reaction_type: 'love', content_type: 'movie' });
  await expectStatus(client.addFavorite(token, movie.id), 204, 'PUT', `${P}/contents/:id/favorite`);
  await expectStatus(client.addFavorite(token, movie.id), 204, 'PUT', `${P}/contents/:id/favorite`);
  await expectStatus(client.removeFavorite(token, movie.id), 204, 'DELETE', `${P}/contents/:id/favorite`);
  x.count(M.favoritesAdded.name, { content_type: 'movie' });
  x.count(M.favoritesRemoved.name, { content_type: 'movie' });

  // Profiles.
  const profile = await expectStatus(
    client.createProfile(token, 'Kids', 'kids'),
    201,
    'POST',
    `${P}/profiles`,
  );
  await expectStatus(client.switchProfile(token, profile.id), 204, 'POST', `${P}/profiles/:id/switch`);
  x.count(M.profilesCreated.name, { profile_type: 'kids' });
  x.count(M.profileSwitches.name);

  // Devices: a new one is created (201) and is a risk event; the same one again is known (200).
  await expectStatus(client.registerDevice(token, 'tv', 'Living room'), 201, 'POST', `${P}/devices`);
  await expectStatus(client.registerDevice(token, 'tv', 'living room'), 200, 'POST', `${P}/devices`);
  x.count(M.deviceRegistrations.name, { device_type: 'tv' });
  x.count(M.riskEvents.name, { risk_type: 'new_device', action: 'flagged' });

  // Payments through the sandbox gateway: approved card, declined card, mobile money.
  await expectStatus(client.pay(token, 9.99, 'card', TEST_CARDS.approved), 201, 'POST', `${P}/payments`);
  await expectStatus(client.pay(token, 4.5, 'card', TEST_CARDS.declined), 402, 'POST', `${P}/payments`);
  await expectStatus(client.pay(token, 3, 'mobile_money'), 201, 'POST', `${P}/payments`);
  x.count(M.paymentTransactions.name, { status: 'success', payment_method: 'card' });
  x.count(M.paymentTransactions.name, { status: 'failed', payment_method: 'card' });
  x.count(M.paymentTransactions.name, { status: 'success', payment_method: 'mobile_money' });
  x.count(M.paymentAmount.name, { status: 'failed' }, 4.5);

  // A subscription makes Alice premium; premium content then counts as a premium view.
  await expectStatus(client.subscribe(token, 'monthly', 'paypal'), 201, 'POST', `${P}/subscriptions`);
  x.count(M.subscriptionCreated.name, { plan_type: 'monthly' });
  x.count(M.paymentTransactions.name, { status: 'success', payment_method: 'paypal' });
  x.count(M.paymentAmount.name, { status: 'success' }, 9.99 + 3 + PLANS.monthly.priceCents / 100);
  const premiumMe = await expectStatus(client.me(token), 200, 'GET', `${P}/me`);
  expect(premiumMe.accessType).toBe('premium');
  await expectStatus(client.view(token, premiumDoc.id), 201, 'POST', `${P}/contents/:id/views`);
  x.count(M.contentViews.name, { content_type: 'documentary', access_type: 'premium' });

  // Brute force on Bob: LOGIN_MAX_FAILURES (3) failures lock the account (one brute_force risk
  // event, blocked); the next attempt, even with the right password, is refused as locked.
  for (let i = 0; i < 3; i++)
    await expectStatus(client.login(bob, `guess-${i}-wrong`), 401, 'POST', `${P}/auth/login`);
  await expectStatus(client.login(bob, PASSWORD), 429, 'POST', `${P}/auth/login`);
  x.count(M.authFailedLogin.name, { reason: 'invalid_credentials' }, 3);
  x.count(M.authFailedLogin.name, { reason: 'account_locked' });
  x.count(M.authLogin.name, { provider: 'local', status: 'failure' }, 4);
  x.count(M.riskEvents.name, { risk_type: 'brute_force', action: 'blocked' });

  // Bad input: a 4xx, never a 500, and no metric but the HTTP ones moves.
  const malformed = await client.api('POST', '/auth/register', { rawBody: '{"email": ' });
  expect(malformed.status).toBe(400);
  x.request('POST', `${P}/auth/register`, 400);
  const unknownRoute = await client.request('GET', `/definitely/not/a/route-${suffix}`);
  expect(unknownRoute.status).toBe(404);
  x.request('GET', 'unmatched', 404);

  // The rate limiter: hammer one route until it answers 429 (bounded).
  let limited = 0;
  for (let i = 0; i < 120 && limited < 3; i++) {
    const res = await client.content(movie.id);
    x.request('GET', `${P}/contents/:id`, res.status);
    if (res.status === 429) limited++;
    else expect(res.status).toBe(200);
  }
  expect(limited).toBe(3);
  x.count(M.rateLimitHits.name, { endpoint: `${P}/contents/:id` }, 3);

  // State gauges read from the source of truth. Alice's first session ended when its spent refresh
  // token was reused; she logs out of the second. Carol (free) stays logged in.
  await expectStatus(client.logout(token), 204, 'POST', `${P}/auth/logout`);
  await expectStatus(client.me(token), 401, 'GET', `${P}/me`);
  const carol = `carol-${suffix}@example.test`;
  await expectStatus(client.register(carol, PASSWORD, 'android'), 201, 'POST', `${P}/auth/register`);
  await expectStatus(client.login(carol, PASSWORD), 200, 'POST', `${P}/auth/login`);
  x.count(M.registrations.name, { source: 'android' });
  x.count(M.authLogin.name, { provider: 'local', status: 'success' });
  x.gauge(M.premiumSubscribers.name, {}, 1);
  x.gauge(M.authActiveSessions.name, {}, 1);
  x.gauge(M.activeUsers.name, { access_type: 'free' }, 1);
  x.gauge(M.activeUsers.name, { access_type: 'premium' }, 0);
  x.gauge(M.httpRequestsInFlight.name, {}, 1); // the scrape itself
}
