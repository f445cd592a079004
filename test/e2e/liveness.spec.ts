import type { Stack } from '../../scripts/stack/stack.ts';
import { readDeliveries } from '../support/notifications';
import { scalarQuery } from '../support/prometheus-api';
import { apiUrl, promUrl, startTestStack, stopTestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * API liveness in push mode (OTEL_METRICS_EXPORTER=otlp) on the native stack, with the shipped
 * rules and the shipped Alertmanager timings (only the scrape/evaluation interval is the test
 * stacks' 2s): the API's /metrics is not scraped (it answers 404 in push mode), so APIDown cannot
 * fire; the blackbox probe of /health/live tells. A healthy push-mode API pages nobody for longer
 * than the alerts' `for:` plus group_wait; a killed one pages critical-alerts (e-mail and Slack),
 * and the test prints how long after the kill. Pull mode (APIDown and the probe together) is in test/e2e/alerts.spec.ts.
 */
jest.setTimeout(8 * 60_000);

/** Longer than APILivenessProbeFailed's `for: 1m` plus Alertmanager's group_wait (30s). */
const HEALTHY_WINDOW_MS = 100_000;

let stack: Stack | undefined;
let healthy: { alerts: string[]; deliveries: string[]; apiTargets: number | undefined } | undefined;
let killedAt = 0;
let notifiedAt: number | undefined;
let pushedSeries: number | undefined;

beforeAll(async () => {
  stack = await startTestStack({
    apiEnv: { OTEL_METRICS_EXPORTER: 'otlp', OTEL_METRIC_EXPORT_INTERVAL: '2000' },
  });
  const s = stack;
  const prom = promUrl(s);
  // Push mode works: the API's series arrive through the Collector, and the probe succeeds.
  await waitFor(
    'pushed API series and a successful liveness probe',
    async () => {
      await fetch(`${apiUrl(s)}/api/v1/contents`).catch(() => undefined);
      pushedSeries = await scalarQuery(
        prom,
        'count(mytelevision_http_requests_total{job="mytelevision-api"})',
      );
      const probe = await scalarQuery(prom, 'max(probe_success{job="api-liveness"})');
      return (pushedSeries ?? 0) > 0 && probe === 1;
    },
    { timeoutMs: 90_000, intervalMs: 1000 },
  );

  // Healthy: observed for the whole window, no liveness alert pending or firing, nothing delivered.
  const seen = new Set<string>();
  const start = Date.now();
  while (Date.now() - start < HEALTHY_WINDOW_MS) {
    const res = await fetch(
      `${prom.url}/api/v1/query?query=${encodeURIComponent('ALERTS{alertname=~"APIDown|APILivenessProbeFailed"}')}`,
      { headers: prom.headers },
    );
    const body = (await res.json()) as { data: { result: { metric: Record<string, string> }[] } };
    for (const r of body.data.result) seen.add(`${r.metric.alertname} ${r.metric.alertstate}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  healthy = {
    alerts: [...seen],
    deliveries: (await readDeliveries(s.layout.dataDir))
      .filter((d) => ['APIDown', 'APILivenessProbeFailed'].includes(d.alertname))
      .map((d) => `${d.alertname} ${d.receiver} ${d.channel}`),
    apiTargets: await scalarQuery(prom, 'count(up{job="mytelevision-api"})'),
  };

  // Killed: the probe fails, APILivenessProbeFailed reaches critical-alerts by e-mail and Slack.
  killedAt = Date.now();
  await s.kill('api');
  notifiedAt = await waitFor(
    'APILivenessProbeFailed at critical-alerts (e-mail and Slack)',
    async () => {
      const all = await readDeliveries(s.layout.dataDir);
      const mine = all.filter(
        (d) =>
          d.alertname === 'APILivenessProbeFailed' &&
          d.status === 'firing' &&
          d.receiver === 'critical-alerts' &&
          d.receivedAt >= killedAt,
      );
      const channels = new Set(mine.map((d) => d.channel));
      return channels.has('email') && channels.has('slack') && Math.max(...mine.map((d) => d.receivedAt));
    },
    { timeoutMs: 3 * 60_000, intervalMs: 1000 },
  ).catch(async (error: Error) => {
    // What Prometheus and Alertmanager saw, for the failure message.
    const probe = await scalarQuery(prom, 'max(probe_success{job="api-liveness"})').catch(() => 'n/a');
    const alerts = await fetch(`${prom.url}/api/v1/alerts`, { headers: prom.headers })
      .then((r) => r.text())
      .catch(() => 'n/a');
    console.log(
      `${error.message}\nprobe_success=${String(probe)}\nPrometheus alerts: ${alerts.slice(0, 2000)}`,
    );
    return undefined;
  });
  console.log(
    `push mode: APILivenessProbeFailed at critical-alerts ${
      notifiedAt === undefined ? 'never' : `${((notifiedAt - killedAt) / 1000).toFixed(0)} s`
    } after the API was killed (shipped for: 1m and group_wait 30s; 2s scrape)`,
  );
}, 7 * 60_000);

afterAll(async () => {
  await stopTestStack(stack);
});

describe('API liveness in push mode', () => {
  it("does not scrape the API's /metrics (no target: nothing for APIDown to read)", () => {
    expect(pushedSeries).toBeGreaterThan(0);
    expect(healthy?.apiTargets).toBeUndefined();
  });

  it('pages nobody while the API is healthy', () => {
    expect(healthy).toEqual({ alerts: [], deliveries: [], apiTargets: undefined });
  });

  // The time it took is printed for the record, never a pass/fail threshold.
  it('pages critical-alerts by e-mail and Slack once the API is killed', () => {
    expect(notifiedAt).toEqual(expect.any(Number));
  });
});
