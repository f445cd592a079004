import { ApiClient, TEST_CARDS } from '../../scripts/traffic/api-client.ts';
import type { Stack } from '../../scripts/stack/stack.ts';
import { readDeliveries, type Delivery } from '../support/notifications';
import { scalarQuery } from '../support/prometheus-api';
import {
  alertmanagerHeaders,
  alertmanagerUrl,
  apiUrl,
  promUrl,
  startTestStack,
  stopTestStack,
} from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * Alert delivery with real faults (issue 4, test 5): each alert must reach its receivers' e-mail
 * AND Slack sinks, then resolve after the fault is removed. The shipped rules and Alertmanager
 * timings run as they are (for: 1m/2m/5m; group_wait 30s, group_interval 5m — the renderer offers
 * no way to change them, so a resolved notification comes at the group's next flush, up to 5m
 * after the firing one); only Prometheus's scrape/evaluation interval is short (2s).
 * Scenarios overlap where they cannot disturb each other:
 *   t0  brute-force logins and a payment stream with declined cards start together;
 *       PossibleBruteForce notified → brute force stops;
 *       the API is killed, PostgreSQL and Redis stopped at once → APIDown, PostgreSQLDown, RedisDown;
 *       all three restored (the payment ratio over 5m survives the gap: range vectors keep the samples);
 *       PaymentFailuresHigh notified → approved payments bring the ratio under 5%;
 *   then every alert's resolved notification.
 */
jest.setTimeout(20 * 60_000);

const RECEIVERS: Readonly<Record<string, readonly string[]>> = {
  PossibleBruteForce: ['security-team'],
  APIDown: ['critical-alerts'],
  PostgreSQLDown: ['critical-alerts', 'database-team'],
  RedisDown: ['critical-alerts'],
  PaymentFailuresHigh: ['payments-team'],
};
type AlertName = keyof typeof RECEIVERS;

let stack: Stack | undefined;
let deliveries: Delivery[] = [];
const faultAt: Partial<Record<AlertName, number>> = {};
const notifiedAt: Partial<Record<AlertName, number>> = {};
const resolvedAt: Partial<Record<AlertName, number>> = {};
/** Alertmanager's view while APIDown, PostgreSQLDown and RedisDown were all active. */
let activeDuringOutage: {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[] };
}[] = [];
const timelineErrors: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** When every expected receiver got `status` for `alert` by e-mail and by Slack (the latest arrival). */
async function delivered(
  alert: AlertName,
  status: 'firing' | 'resolved',
  after: number,
  timeoutMs: number,
): Promise<number | undefined> {
  try {
    return await waitFor(
      `${status} ${alert} at ${RECEIVERS[alert].join(', ')}`,
      async () => {
        const all = await readDeliveries(stack!.layout.dataDir);
        const times: number[] = [];
        for (const receiver of RECEIVERS[alert]) {
          for (const channel of ['email', 'slack'] as const) {
            const d = all.find(
              (x) =>
                x.alertname === alert &&
                x.status === status &&
                x.receiver === receiver &&
                x.channel === channel &&
                x.receivedAt >= after,
            );
            if (!d) return false;
            times.push(d.receivedAt);
          }
        }
        return Math.max(...times);
      },
      { timeoutMs, intervalMs: 1000 },
    );
  } catch (error) {
    timelineErrors.push((error as Error).message);
    return undefined;
  }
}

/** A loop of requests until `stop()`; failures (API down) are counted, never thrown. */
function loop(step: (i: number) => Promise<unknown>, intervalMs: number) {
  let running = true;
  let i = 0;
  const done = (async () => {
    while (running) {
      await step(i++).catch(() => undefined);
      await sleep(intervalMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
    },
  };
}

async function user(client: ApiClient, email: string, password: string) {
  await client.register(email, password);
  return { email, password, token: (await client.login(email, password)).body.accessToken };
}

beforeAll(async () => {
  // The per-route rate limit (100/min by default) would cap the approved payments that bring the
  // failure ratio back under 5%: raised for this stack, the alerts under test do not depend on it.
  stack = await startTestStack({ apiEnv: { THROTTLE_LIMIT: '1000000' } });
  const s = stack;
  const client = new ApiClient(apiUrl(s));
  const victim = await user(client, 'victim@example.com', 'correct-horse-battery-staple');
  const payers = await Promise.all(
    [1, 2, 3].map((n) => user(client, `payer${n}@example.com`, 'payer-password-123456')),
  );
  const payAs = async (n: number, card: string) => {
    const payer = payers[n % payers.length];
    let res = await client.pay(payer.token, 9.99, 'card', card);
    if (res.status === 401) {
      // The session was in Redis: log in again after an outage.
      payer.token = (await client.login(payer.email, payer.password)).body.accessToken;
      res = await client.pay(payer.token, 9.99, 'card', card);
    }
    return res;
  };

  // t0: brute force and a payment stream with one declined card in eight (12.5% > 5%).
  const t0 = Date.now();
  faultAt.PossibleBruteForce = t0;
  faultAt.PaymentFailuresHigh = t0;
  const bruteForce = loop(() => client.login(victim.email, 'wrong-password'), 400);
  const payments = loop((i) => payAs(i, i % 8 === 0 ? TEST_CARDS.declined : TEST_CARDS.approved), 700);

  notifiedAt.PossibleBruteForce = await delivered('PossibleBruteForce', 'firing', t0, 4 * 60_000);
  await bruteForce.stop();

  // The API crashes, PostgreSQL and Redis stop, together.
  const outage = Date.now();
  faultAt.APIDown = faultAt.PostgreSQLDown = faultAt.RedisDown = outage;
  await Promise.all([s.kill('api'), s.stop('postgres'), s.stop('redis')]);
  const [api, pg, redis] = await Promise.all([
    delivered('APIDown', 'firing', outage, 4 * 60_000),
    delivered('PostgreSQLDown', 'firing', outage, 4 * 60_000),
    delivered('RedisDown', 'firing', outage, 5 * 60_000).then(async (t) => {
      const res = await fetch(`${alertmanagerUrl(s)}/api/v2/alerts?active=true`, {
        headers: alertmanagerHeaders(s),
      });
      activeDuringOutage = (await res.json()) as typeof activeDuringOutage;
      return t;
    }),
  ]);
  notifiedAt.APIDown = api;
  notifiedAt.PostgreSQLDown = pg;
  notifiedAt.RedisDown = redis;
  await Promise.all([s.start('postgres'), s.start('redis')]);
  await s.start('api');

  notifiedAt.PaymentFailuresHigh = await delivered('PaymentFailuresHigh', 'firing', t0, 8 * 60_000);
  await payments.stop();
  // Approved payments until the 5m failure ratio is under the threshold (the fault is removed).
  await waitFor(
    'the payment failure ratio under 5%',
    async () => {
      await Promise.all(Array.from({ length: 40 }, (_, i) => payAs(i, TEST_CARDS.approved)));
      const ratio = await scalarQuery(promUrl(s), 'job:mytelevision_payment_failures:ratio_rate5m');
      return ratio !== undefined && ratio < 0.05;
    },
    { timeoutMs: 3 * 60_000, intervalMs: 500 },
  );

  const [bf, a, p, r, pay] = await Promise.all(
    (['PossibleBruteForce', 'APIDown', 'PostgreSQLDown', 'RedisDown', 'PaymentFailuresHigh'] as const).map(
      (name) => delivered(name, 'resolved', notifiedAt[name] ?? t0, 8 * 60_000),
    ),
  );
  Object.assign(resolvedAt, {
    PossibleBruteForce: bf,
    APIDown: a,
    PostgreSQLDown: p,
    RedisDown: r,
    PaymentFailuresHigh: pay,
  });
  deliveries = await readDeliveries(s.layout.dataDir);

  const seconds = (ms: number | undefined) => (ms === undefined ? 'never' : `${(ms / 1000).toFixed(0)} s`);
  console.log(
    ['fault-to-notification (e-mail and Slack at every receiver):']
      .concat(
        Object.keys(RECEIVERS).map((name) => {
          const n = name as AlertName;
          const fired = notifiedAt[n] && faultAt[n] ? notifiedAt[n]! - faultAt[n]! : undefined;
          const resolved = resolvedAt[n] && notifiedAt[n] ? resolvedAt[n]! - notifiedAt[n]! : undefined;
          return `  ${name.padEnd(20)} firing after ${seconds(fired)}, resolved ${seconds(resolved)} after the firing notification`;
        }),
      )
      .join('\n'),
  );
}, 19 * 60_000);

afterAll(async () => {
  await stopTestStack(stack);
});

describe('alert delivery with real faults', () => {
  it('ran the whole timeline', () => {
    expect(timelineErrors).toEqual([]);
  });

  it.each(Object.keys(RECEIVERS))(
    '%s fires and resolves at exactly its receivers, by e-mail and Slack',
    (name) => {
      const expected = RECEIVERS[name].flatMap((r) => [`${r} email`, `${r} slack`]).sort();
      for (const status of ['firing', 'resolved'] as const) {
        const got = [
          ...new Set(
            deliveries
              .filter((d) => d.alertname === name && d.status === status)
              .map((d) => `${d.receiver} ${d.channel}`),
          ),
        ].sort();
        expect([status, got]).toEqual([status, expected]);
      }
    },
  );

  it('groups by alertname: every notification is about one alert name, simultaneous alerts come separately', () => {
    for (const d of deliveries) expect([d.title, d.alertname]).not.toEqual([d.title, '']);
    const outageFirings = deliveries.filter(
      (d) => d.receiver === 'critical-alerts' && d.channel === 'email' && d.status === 'firing',
    );
    expect(outageFirings.map((d) => d.alertname)).toEqual(
      expect.arrayContaining(['APIDown', 'PostgreSQLDown', 'RedisDown']),
    );
  });

  it('inhibits nothing among the outage alerts (none carries a `symptom` label)', () => {
    const outage = activeDuringOutage.filter((a) =>
      ['APIDown', 'PostgreSQLDown', 'RedisDown'].includes(a.labels.alertname),
    );
    expect(outage.map((a) => a.labels.alertname).sort()).toEqual(['APIDown', 'PostgreSQLDown', 'RedisDown']);
    for (const a of outage)
      expect([a.labels.alertname, a.status.state, a.status.inhibitedBy]).toEqual([
        a.labels.alertname,
        'active',
        [],
      ]);
  });
});
