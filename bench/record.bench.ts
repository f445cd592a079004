/**
 * Record path: every MetricsService method (SDK instruments) against its prom-client twin, same
 * labels. Reported, no target: the SDK hashes the attribute set on every call.
 */
import { compareSync, REPORTED, sdkMetrics, type Row } from './lib.ts';
import { promClientTwin } from './prom-client-twin.ts';

const CONTENT = ['movie', 'series', 'episode', 'live', 'documentary'];
const ROUTES = ['/api/v1/contents', '/api/v1/contents/:id', '/api/v1/auth/login', '/api/v1/me'];
const STATUS = [200, 200, 200, 404, 401];

export function recordBench(): Row[] {
  const ours = sdkMetrics().service;
  const p = promClientTwin();
  const c = (i: number) => CONTENT[i % 5];
  const cases: Array<[string, (i: number) => void, (i: number) => void, 'counter' | 'histogram']> = [
    [
      'recordLogin',
      (i) => ours.recordLogin('local', i % 4 !== 0),
      (i) => p.login.inc({ provider: 'local', status: i % 4 !== 0 ? 'success' : 'failure' }),
      'counter',
    ],
    [
      'recordFailedLogin',
      () => ours.recordFailedLogin('invalid_credentials'),
      () => p.failedLogin.inc({ reason: 'invalid_credentials' }),
      'counter',
    ],
    ['recordTokenRefresh', () => ours.recordTokenRefresh(), () => p.tokenRefresh.inc(), 'counter'],
    [
      'recordRateLimitHit',
      (i) => ours.recordRateLimitHit(ROUTES[i & 3]),
      (i) => p.rateLimit.inc({ endpoint: ROUTES[i & 3] }),
      'counter',
    ],
    [
      'recordContentView',
      (i) => ours.recordContentView(c(i), i & 1 ? 'premium' : 'free'),
      (i) => p.views.inc({ content_type: c(i), access_type: i & 1 ? 'premium' : 'free' }),
      'counter',
    ],
    [
      'recordStreamStarted (gauge)',
      (i) => ours.recordStreamStarted(c(i)),
      (i) => p.streams.inc({ content_type: c(i) }),
      'counter',
    ],
    [
      'recordReaction',
      (i) => ours.recordReaction('like', c(i)),
      (i) => p.reactions.inc({ reaction_type: 'like', content_type: c(i) }),
      'counter',
    ],
    [
      'recordFavoriteAdded',
      (i) => ours.recordFavoriteAdded(c(i)),
      (i) => p.favorites.inc({ content_type: c(i) }),
      'counter',
    ],
    [
      'recordRegistration',
      () => ours.recordRegistration('web'),
      () => p.registrations.inc({ source: 'web' }),
      'counter',
    ],
    [
      'recordPayment',
      (i) => ours.recordPayment(i % 10 ? 'success' : 'failed', 'card', 9.99),
      (i) => {
        const status = i % 10 ? 'success' : 'failed';
        p.payments.inc({ status, payment_method: 'card' });
        p.amount.inc({ status }, 9.99);
      },
      'counter',
    ],
    [
      'recordSubscriptionCreated',
      () => ours.recordSubscriptionCreated('monthly'),
      () => p.subscriptions.inc({ plan_type: 'monthly' }),
      'counter',
    ],
    [
      'recordProfileCreated',
      () => ours.recordProfileCreated('kids'),
      () => p.profiles.inc({ profile_type: 'kids' }),
      'counter',
    ],
    ['recordProfileSwitch', () => ours.recordProfileSwitch(), () => p.switches.inc(), 'counter'],
    [
      'recordDeviceRegistration',
      () => ours.recordDeviceRegistration('tv'),
      () => p.devices.inc({ device_type: 'tv' }),
      'counter',
    ],
    [
      'recordRiskEvent',
      () => ours.recordRiskEvent('new_device', 'flagged'),
      () => p.risk.inc({ risk_type: 'new_device', action: 'flagged' }),
      'counter',
    ],
    ['httpRequestStarted (gauge)', () => ours.httpRequestStarted(), () => p.inFlight.inc(), 'counter'],
    [
      'recordHttpRequest (counter + histogram + in-flight)',
      (i) => ours.recordHttpRequest('GET', ROUTES[i & 3], STATUS[i % 5], (i % 200) / 1000),
      (i) => {
        const labels = { method: 'GET', path: ROUTES[i & 3], status_code: String(STATUS[i % 5]) };
        p.inFlight.dec();
        p.httpRequests.inc(labels);
        p.httpDuration.observe(labels, (i % 200) / 1000);
      },
      'histogram',
    ],
  ];
  return cases.map(([name, o, b]) => {
    const r = compareSync(o, b);
    return {
      figure: `record: ${name}`,
      ours: `${r.ours.toFixed(0)} ns`,
      baseline: `${r.baseline.toFixed(0)} ns`,
      ratio: r.ratio,
      target: REPORTED,
      met: true,
    };
  });
}
