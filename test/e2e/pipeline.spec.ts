import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_DEFINITIONS, RUNTIME_METRICS, type MetricDefinition } from '@infrastructure/metrics/catalog';
import { runTraffic } from '../../scripts/traffic/generator.ts';
import type { Stack } from '../../scripts/stack/stack.ts';
import { prometheusTargets } from '../../scripts/stack/prometheus-run-dir.ts';
import { startApi, type RunningApi } from '../support/api-process';
import { instantQuery, scalarQuery, series } from '../support/prometheus-api';
import { apiUrl, promUrl, startTestStack, stopTestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * Pipeline and push mode (issue 4, tests 1 and 2) on one native stack: after traffic, every
 * catalogue metric is in Prometheus with its label names, scraped from the API (pull); a second
 * API instance in push mode (OTEL_METRICS_EXPORTER=otlp) reaches Prometheus through the Collector
 * with the same names and label names. Plus every target's `up`, the exporters and span metrics.
 */
jest.setTimeout(300_000);

let stack: Stack | undefined;
let pushApi: RunningApi | undefined;
const PUSH_INSTANCE = 'push-e2e';

/** Sample names of one catalogue metric as Prometheus stores them. */
function sampleNames(def: MetricDefinition): string[] {
  return def.kind === 'histogram'
    ? [`${def.name}_bucket`, `${def.name}_sum`, `${def.name}_count`]
    : [def.name];
}

const labelNames = (s: Record<string, string>) =>
  Object.keys(s)
    .filter((k) => k !== '__name__')
    .sort();

beforeAll(async () => {
  stack = await startTestStack();
  const s = stack;
  const password = readFileSync(join(s.layout.secrets, 'postgres_password'), 'utf8');
  // The same API build, pushing its metrics by OTLP to the stack's Collector (SPEC decision 3).
  pushApi = await startApi(
    {
      DATABASE_URL: `postgres://mytelevision:${encodeURIComponent(password)}@127.0.0.1:${s.ports.postgres}/mytelevision`,
      REDIS_URL: `redis://127.0.0.1:${s.ports.redis}`,
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${s.ports.otlpHttp}`,
      SERVICE_INSTANCE_ID: PUSH_INSTANCE,
    },
    'api-push',
  );
  const token = readFileSync(join(s.layout.secrets, 'metrics_token'), 'utf8');
  // The same bounded mix of every route against both instances.
  await Promise.all([
    runTraffic({
      baseUrl: apiUrl(s),
      scenario: 'all',
      requests: 600,
      durationMs: 40_000,
      concurrency: 4,
      metricsToken: token,
      seed: 7,
    }),
    runTraffic({
      baseUrl: pushApi.url,
      scenario: 'all',
      requests: 600,
      durationMs: 40_000,
      concurrency: 4,
      seed: 7,
    }),
  ]);
}, 240_000);

afterAll(async () => {
  await pushApi?.stop();
  await stopTestStack(stack);
});

describe('pipeline (pull mode): API → Prometheus', () => {
  it.each(METRIC_DEFINITIONS.map((d) => [d.name, d] as const))(
    '%s is queryable with its catalogue labels',
    async (_name, def) => {
      const base = promUrl(stack!);
      for (const name of sampleNames(def)) {
        const found = await waitFor(
          `${name} in Prometheus`,
          async () => {
            const s = await series(
              base,
              `${name}{job="mytelevision-api",instance="127.0.0.1:${stack!.ports.api}"}`,
            );
            return s.length > 0 && s;
          },
          { timeoutMs: 30_000, intervalMs: 1000 },
        );
        const expected = [
          ...Object.keys(def.labels),
          'instance',
          'job',
          ...(name.endsWith('_bucket') ? ['le'] : []),
        ].sort();
        for (const s of found) expect(labelNames(s)).toEqual(expected);
      }
    },
  );

  it('has the runtime metrics Prometheus users expect', async () => {
    for (const { name } of Object.values(RUNTIME_METRICS)) {
      expect(await series(promUrl(stack!), `${name}{job="mytelevision-api"}`)).not.toHaveLength(0);
    }
  });

  it('scrapes every native target successfully (up == 1)', async () => {
    const jobs = Object.entries(
      prometheusTargets(
        stack!.ports,
        stack!.components.some((c) => c.name === 'cadvisor'),
      ),
    )
      .filter(([, port]) => port !== null)
      .map(([job]) => job);
    const up = await instantQuery(promUrl(stack!), 'up');
    expect(up.map((s) => s.metric.job).sort()).toEqual([...jobs].sort());
    for (const s of up) expect([s.metric.job, s.value[1]]).toEqual([s.metric.job, '1']);
  });

  it('has the exporters’ metrics: pg_up, redis_up and node metrics', async () => {
    const base = promUrl(stack!);
    expect(await scalarQuery(base, 'pg_up')).toBe(1);
    expect(await scalarQuery(base, 'redis_up')).toBe(1);
    expect(await scalarQuery(base, 'count(node_cpu_seconds_total)')).toBeGreaterThan(0);
    expect(await scalarQuery(base, 'node_memory_MemTotal_bytes')).toBeGreaterThan(0);
  });

  it('has span-derived metrics of HTTP, SQL and Redis operations from the Collector', async () => {
    const base = promUrl(stack!);
    const calls = async (selector: string) =>
      waitFor(
        `span metrics {${selector}}`,
        async () => (await scalarQuery(base, `sum(traces_span_metrics_calls_total{${selector}})`)) ?? false,
        {
          timeoutMs: 30_000,
          intervalMs: 1000,
        },
      );
    // db_system (old semantic conventions) or db_system_name (stable), whichever the instrumentation emits.
    const db = (system: string) =>
      waitFor(
        `span metrics of ${system}`,
        async () => {
          const expr = `sum(traces_span_metrics_calls_total{job="mytelevision-api",db_system="${system}"} or traces_span_metrics_calls_total{job="mytelevision-api",db_system_name="${system}"})`;
          return (await scalarQuery(base, expr)) ?? false;
        },
        { timeoutMs: 30_000, intervalMs: 1000 },
      );
    expect(await calls('job="mytelevision-api",span_kind="SPAN_KIND_SERVER"')).toBeGreaterThan(0);
    expect(await db('postgresql')).toBeGreaterThan(0);
    expect(await db('redis')).toBeGreaterThan(0);
  });
});

describe('push mode: API → OTLP → Collector → Prometheus', () => {
  it('gives every catalogue metric the same name and label names as pull mode', async () => {
    const base = promUrl(stack!);
    const pullInstance = `127.0.0.1:${stack!.ports.api}`;
    const shape = (list: Record<string, string>[]) =>
      [...new Set(list.map((s) => labelNames(s).join(',')))].sort();
    for (const def of METRIC_DEFINITIONS) {
      for (const name of sampleNames(def)) {
        const push = await waitFor(
          `${name} from the push instance`,
          async () => {
            const s = await series(base, `${name}{instance="${PUSH_INSTANCE}"}`);
            return s.length > 0 && s;
          },
          { timeoutMs: 30_000, intervalMs: 1000 },
        );
        const pull = await series(base, `${name}{instance="${pullInstance}"}`);
        expect([name, shape(push)]).toEqual([name, shape(pull)]);
        // Both are the API's series, under the same job (the Collector's exporter keeps service.name as job).
        expect(new Set(push.map((s) => s.job))).toEqual(new Set(['mytelevision-api']));
      }
    }
  });

  it('carries the push instance’s traffic (its request counter moved)', async () => {
    const total = await scalarQuery(
      promUrl(stack!),
      `sum(mytelevision_http_requests_total{instance="${PUSH_INSTANCE}"})`,
    );
    expect(total).toBeGreaterThan(100);
  });
});
