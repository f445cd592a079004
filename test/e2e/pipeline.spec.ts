import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { METRIC_DEFINITIONS, RUNTIME_METRICS, type MetricDefinition } from '@infrastructure/metrics/catalog';
import { ApiClient } from '../../scripts/traffic/api-client.ts';
import { runTraffic } from '../../scripts/traffic/generator.ts';
import { Client as PgClient } from 'pg';
import type { Stack } from '../../scripts/stack/stack.ts';
import { prometheusTargets } from '../../scripts/stack/prometheus-run-dir.ts';
import { startApi, type RunningApi } from '../support/api-process';
import { dashboardQueries, expandGrafanaVariables } from '../support/dashboard-queries';
import { dbSystem, readTraceFile, SPAN_KIND } from '../support/trace-file';
import { instantQuery, scalarQuery, series } from '../support/prometheus-api';
import { apiUrl, promUrl, REPO_ROOT, startTestStack, stopTestStack } from '../support/stack';
import { waitFor } from '../support/wait';

/**
 * Pipeline and push mode on one native stack: after traffic, every
 * catalogue metric is in Prometheus with its label names, scraped from the API (pull); a second
 * API instance in push mode (OTEL_METRICS_EXPORTER=otlp) reaches Prometheus through the Collector
 * with the same names and label names. Plus every target's `up`, the exporters and span metrics.
 * Then, on the same data: every dashboard panel query, one trace of a request through HTTP, Nest,
 * SQL and Redis with its log line, and telemetry faults last, since they stop the Collector and
 * Prometheus.
 */
jest.setTimeout(300_000);

let stack: Stack | undefined;
let pushApi: RunningApi | undefined;
/** Rate-limit window of both API instances (default: a minute). */
const THROTTLE_WINDOW_MS = 5_000;
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
  // The traffic meets the rate limit (so rate_limit_hits_total moves); a 5 s window instead of
  // the default minute lets later tests get their requests through soon after.
  stack = await startTestStack({ apiEnv: { THROTTLE_TTL_MS: String(THROTTLE_WINDOW_MS) } });
  const s = stack;
  const secret = (name: string) => join(s.layout.secrets, name);
  // The same API build, pushing its metrics by OTLP to the stack's Collector (SPEC decision 3), as
  // a client of the stack like the stack's own API: TLS to PostgreSQL and the Collector, Redis ACL user.
  pushApi = await startApi(
    {
      DATABASE_URL: `postgres://mytelevision@127.0.0.1:${s.ports.postgres}/mytelevision?sslmode=verify-full&sslrootcert=${encodeURIComponent(s.tls.caFile)}`,
      DATABASE_PASSWORD_FILE: secret('postgres_password'),
      REDIS_URL: `redis://mytelevision-api@127.0.0.1:${s.ports.redis}`,
      REDIS_PASSWORD_FILE: secret('redis_api_password'),
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `https://127.0.0.1:${s.ports.otlpHttp}`,
      // The Collector's bearer token, sent by the preload from the file (as the stack's API does).
      OTLP_TOKEN_FILE: secret('otelcol_token'),
      NODE_EXTRA_CA_CERTS: s.tls.caFile,
      SERVICE_INSTANCE_ID: PUSH_INSTANCE,
      // Rate limits live in the shared Redis (they hold across replicas): both instances need the
      // same window, or this one's default minute would block the stack API's routes too.
      THROTTLE_TTL_MS: String(THROTTLE_WINDOW_MS),
    },
    'api-push',
  );
  // A short PostgreSQL outage first (before the traffic uses up the routes' rate limits): real 5xx
  // answers and failing SQL spans, which the error panels of the dashboards show (traffic without
  // faults has none). The 5m windows of those panels still hold them when the dashboards are checked.
  await s.stop('postgres');
  for (let i = 0; i < 3; i++) {
    expect((await fetch(`${apiUrl(s)}/api/v1/contents`)).status).toBeGreaterThanOrEqual(500);
    expect((await fetch(`${apiUrl(s)}/health/ready`)).status).toBe(503);
  }
  await s.start('postgres');
  await s.waitForTargetsUp();
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
      .map(([job]) => job)
      // The blackbox exporter's probe of the API (its target is a URL, not a port).
      .concat(['api-liveness']);
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

/** Panels that cannot have data on the native stack, and why (checked: exactly these select cAdvisor metrics). */
const NO_NATIVE_DATA: Readonly<Record<string, string>> = {
  'infrastructure / Container CPU':
    'cAdvisor metrics: cAdvisor cannot be built here (its cmd module is not served by the Go module proxy)',
  'infrastructure / Container memory':
    'cAdvisor metrics: cAdvisor cannot be built here (its cmd module is not served by the Go module proxy)',
  'infrastructure / Container network':
    'cAdvisor metrics: cAdvisor cannot be built here (its cmd module is not served by the Go module proxy)',
};

describe('dashboards: every panel query returns data', () => {
  const queries = dashboardQueries(join(REPO_ROOT, 'monitoring', 'grafana', 'dashboards'));
  const key = (q: { dashboard: string; panel: string }) => `${q.dashboard} / ${q.panel}`;

  it('lists exactly the cAdvisor panels as without native data', () => {
    const cadvisorBuilt = stack!.components.some((c) => c.name === 'cadvisor');
    const cadvisorPanels = [
      ...new Set(queries.filter((q) => /\bcontainer_\w+/.test(q.query)).map(key)),
    ].sort();
    expect(cadvisorPanels).toEqual(cadvisorBuilt ? [] : Object.keys(NO_NATIVE_DATA).sort());
  });

  it.each(
    queries.filter((q) => q.datasource === 'prometheus').map((q) => [`${key(q)} [${q.refId}]`, q] as const),
  )('%s', async (_name, q) => {
    const expr = expandGrafanaVariables(q.query);
    const result = await waitFor(
      `data for ${expr}`,
      async () => {
        const r = await instantQuery(promUrl(stack!), expr);
        return r.length > 0 && r;
      },
      { timeoutMs: NO_NATIVE_DATA[key(q)] ? 1 : 30_000, intervalMs: 1000 },
    ).catch(() => []);
    if (NO_NATIVE_DATA[key(q)]) expect(result).toEqual([]);
    else expect([expr, result.length > 0]).toEqual([expr, true]);
  });

  it.each(queries.filter((q) => q.datasource === 'postgres').map((q) => [key(q), q] as const))(
    '%s (SQL against PostgreSQL)',
    async (_name, q) => {
      // As Grafana's PostgreSQL datasource: the read-only role, over verified TLS.
      const password = readFileSync(join(stack!.layout.secrets, 'postgres_readonly_password'), 'utf8');
      const client = new PgClient({
        host: '127.0.0.1',
        port: stack!.ports.postgres,
        user: 'mytelevision_readonly',
        password,
        database: 'mytelevision',
        ssl: { ca: readFileSync(stack!.tls.caFile, 'utf8') },
      });
      await client.connect();
      try {
        const res = await client.query(q.query);
        expect(res.rows.length).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    },
  );

  it.each(queries.filter((q) => q.datasource === 'redis').map((q) => [key(q), q] as const))(
    '%s (command against Redis)',
    async (_name, q) => {
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port: stack!.ports.redis });
        let data = '';
        socket.on('error', reject);
        // As Grafana's Redis datasource: the read-only ACL user (the default user is off).
        const password = readFileSync(join(stack!.layout.secrets, 'redis_readonly_password'), 'utf8');
        socket.on('connect', () =>
          socket.write(`AUTH readonly ${password}\r\n${q.query.toUpperCase()}\r\nQUIT\r\n`),
        );
        socket.on('data', (c) => (data += c.toString('utf8')));
        socket.on('close', () => resolve(data));
      });
      // The panel shows INFO's fields: the reply must be a bulk string of field:value lines.
      expect(reply).toMatch(/^\+OK\r\n\$\d+\r\n# Stats\r\n/);
      expect(reply).toMatch(/total_commands_processed:\d+/);
    },
  );
});

describe('traces: one request, one trace through HTTP, Nest, SQL and Redis, and its log line', () => {
  it('GET /api/v1/me gives one trace with those spans, and the API log line carries its trace id', async () => {
    const client = new ApiClient(apiUrl(stack!));
    const email = `trace-${Date.now()}@example.com`;
    await waitFor(
      'a registration (past the rate limit)',
      async () => (await client.register(email, 'trace-password-123456')).status === 201,
      {
        timeoutMs: 90_000,
        intervalMs: 2000,
      },
    );
    // The traffic above may have used up the login route's rate limit for this address (429): wait it out.
    const token = await waitFor(
      'a login (past the rate limit)',
      async () => {
        const res = await client.login(email, 'trace-password-123456');
        return res.status === 200 && res.body.accessToken;
      },
      { timeoutMs: 90_000, intervalMs: 2000 },
    );
    const sentAt = Date.now() * 1e6;
    expect((await client.me(token)).status).toBe(200);

    const spans = await waitFor(
      'the GET /api/v1/me trace in the Collector file',
      () => {
        const all = readTraceFile(stack!.layout.tracesFile);
        const server = all.find(
          (s) => s.kind === SPAN_KIND.SERVER && s.name === 'GET /api/v1/me' && s.startTimeUnixNano >= sentAt,
        );
        if (!server) return false;
        const trace = all.filter((s) => s.traceId === server.traceId);
        return (
          trace.some((s) => dbSystem(s) === 'postgresql') &&
          trace.some((s) => dbSystem(s) === 'redis') &&
          trace
        );
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );

    const scopes = new Set(spans.map((s) => s.scope));
    expect([...scopes]).toEqual(
      expect.arrayContaining([
        '@opentelemetry/instrumentation-http',
        '@opentelemetry/instrumentation-nestjs-core',
        '@opentelemetry/instrumentation-pg',
        '@opentelemetry/instrumentation-ioredis',
      ]),
    );
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    // One root: the HTTP server span; every other span descends from a span of the same trace.
    const ids = new Set(spans.map((s) => s.spanId));
    expect(spans.filter((s) => !ids.has(s.parentSpanId)).map((s) => s.kind)).toEqual([SPAN_KIND.SERVER]);

    const traceId = spans[0].traceId;
    const line = await waitFor(
      'the API log line of the request',
      () => {
        const lines = readFileSync(join(stack!.layout.logs, 'api.log'), 'utf8')
          .split('\n')
          .filter((l) => l.includes(traceId));
        return lines
          .map((l) => JSON.parse(l) as { trace_id?: string; req?: { url?: string } })
          .find((l) => l.req?.url === '/api/v1/me');
      },
      { timeoutMs: 10_000 },
    );
    expect(line.trace_id).toBe(traceId);
  });
});

describe('telemetry faults', () => {
  it('with the Collector stopped the API serves every request, and export resumes when it returns', async () => {
    await stack!.stop('otel-collector');
    const summary = await runTraffic({
      baseUrl: apiUrl(stack!),
      scenario: 'normal',
      requests: 150,
      durationMs: 30_000,
      concurrency: 3,
      seed: 11,
    });
    expect(summary.errors).toBe(0);
    expect(Object.keys(summary.byStatus).filter((status) => status.startsWith('5'))).toEqual([]);
    expect(summary.requests).toBe(150);

    await stack!.start('otel-collector');
    const restartedAt = Date.now() * 1e6;
    const client = new ApiClient(apiUrl(stack!));
    await waitFor(
      'a span exported after the Collector came back',
      async () => {
        await client.contents();
        return readTraceFile(stack!.layout.tracesFile).some(
          (s) => s.kind === SPAN_KIND.SERVER && s.startTimeUnixNano > restartedAt,
        );
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
  });

  it('with Prometheus stopped and restarted, counters continue: the increase over the gap is the requests served', async () => {
    const base = promUrl(stack!);
    const client = new ApiClient(apiUrl(stack!));
    const selector = `mytelevision_http_requests_total{job="mytelevision-api",instance="127.0.0.1:${stack!.ports.api}",method="GET",path="/api/v1/contents/:id",status_code="404"}`;
    const exposed = async () => {
      const token = readFileSync(join(stack!.layout.secrets, 'metrics_token'), 'utf8');
      const text = (await client.metrics(token)).body;
      const line = text
        .split('\n')
        .find(
          (l) =>
            l.startsWith('mytelevision_http_requests_total{') &&
            l.includes('path="/api/v1/contents/:id"') &&
            l.includes('status_code="404"') &&
            l.includes('method="GET"'),
        );
      return line ? Number(line.split(' ').pop()) : 0;
    };
    // A counter Prometheus holds at the API's current value.
    // The traffic may have left this route in a rate-limit window: wait until it answers again.
    await waitFor(
      'GET /api/v1/contents/:id out of its rate-limit window',
      async () => {
        return (await client.content('does-not-exist-0')).status === 404;
      },
      { timeoutMs: 4 * THROTTLE_WINDOW_MS, intervalMs: 500 },
    );
    const before = await waitFor(
      'Prometheus to hold the current value',
      async () => {
        const [inApi, inProm] = [await exposed(), await scalarQuery(base, selector)];
        return inProm !== undefined && inProm === inApi && inProm;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    const stoppedAt = Date.now();

    await stack!.stop('prometheus');
    let served = 0;
    for (let i = 1; i <= 20; i++)
      if ((await client.content(`does-not-exist-${i}`)).status === 404) served += 1;
    await stack!.start('prometheus');

    const after = await waitFor(
      'the counter after the gap',
      async () => {
        const v = await scalarQuery(base, selector);
        return v !== undefined && v === before + served && v;
      },
      { timeoutMs: 60_000, intervalMs: 1000 },
    );
    expect(after - before).toBe(served);
    const window = `${Math.ceil((Date.now() - stoppedAt) / 1000) + 10}s`;
    expect(await scalarQuery(base, `resets(${selector}[${window}])`)).toBe(0);
    expect(await scalarQuery(base, `increase(${selector}[${window}])`)).toBeGreaterThanOrEqual(served);
  });
});
