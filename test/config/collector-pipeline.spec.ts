import { expect } from '@jest/globals';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { credentials, Metadata } from '@grpc/grpc-js';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  METER_NAME,
  METRIC_DEFINITIONS,
  METRICS,
  MetricsService,
  prometheusType,
} from '@infrastructure/metrics';
import { metricViews } from '../../src/infrastructure/telemetry/metrics-pipeline';
import { startCollector, type RunningCollector } from '../support/collector';
import { freePort } from '../support/ports';
import { waitFor } from '../support/wait';
import { parseExposition, seriesKey, type Exposition } from '../support/collector-exposition';

/**
 * Push mode (docs/architecture.md#data-flows) proven with the built Collector: the API's MetricsService recordings sent by
 * OTLP and exposed by the Collector's prometheus exporter must read exactly like the API's own pull
 * exposition of the same recordings (@opentelemetry/exporter-prometheus, as the API configures it).
 * Also: span-derived RED metrics (span_metrics connector), the traces file overlay, own telemetry.
 *
 * The Collector's exporter turns the resource's service.name / service.instance.id into `job` and
 * `instance` labels; Prometheus scraping the API directly sets those labels itself. They are the
 * only labels allowed to differ, and they are checked to carry the API's identity.
 */

const SERVICE = { name: 'mytelevision-api', instance: 'collector-pipeline-test' };
const RESOURCE_LABELS = ['job', 'instance'];
/** Hooks and waits on the Collector; set per hook and test (a project-level testTimeout is not applied by jest). */
const TIMEOUT_MS = 60_000;
const CONTENT_ROUTE = '/api/v1/contents/:id';

let collector: RunningCollector;
let meterProvider: MeterProvider;
let tracerProvider: TracerProvider;
let pullServer: Server;
let pullUrl: string;
let workDir: string;
let tracesFile: string;
let metrics: MetricsService;

/** gRPC over TLS, trusting the Collector's CA (as the API does with OTEL_EXPORTER_OTLP_CERTIFICATE). */
const tlsTo = (c: RunningCollector) => credentials.createSsl(readFileSync(c.caFile));
/** The Collector's bearer token as gRPC metadata (what the API's OTLP_TOKEN_FILE adds). */
function authTo(c: RunningCollector): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${c.token}`);
  return metadata;
}

async function scrape(url: string, token?: string): Promise<string> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (response.status !== 200) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'mtv-otelcol-'));
  tracesFile = join(workDir, 'traces.jsonl');
  collector = await startCollector({
    overlays: ['traces-file'],
    env: { OTELCOL_TRACES_FILE: tracesFile, OTELCOL_SPANMETRICS_FLUSH_INTERVAL: '1s' },
  });

  const resource = resourceFromAttributes({
    'service.name': SERVICE.name,
    'service.instance.id': SERVICE.instance,
  });
  // As the API does: MetricsService's instruments on an SDK MeterProvider with the API's views; the
  // stock Prometheus reader (pull) and the OTLP reader (push) collect the same instruments.
  const pull = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const push = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({
      url: collector.urls.otlpGrpc,
      credentials: tlsTo(collector),
      metadata: authTo(collector),
    }),
    // Pushed explicitly by forceFlush below; the interval only has to be longer than the test.
    exportIntervalMillis: 600_000,
  });
  meterProvider = new MeterProvider({ resource, readers: [pull, push], views: metricViews() });
  metrics = new MetricsService({ meter: meterProvider.getMeter(METER_NAME), warn: () => undefined });
  pullServer = createServer((req, res) => pull.getMetricsRequestHandler(req, res));
  const pullPort = await freePort();
  await new Promise<void>((resolve) => pullServer.listen(pullPort, '127.0.0.1', resolve));
  pullUrl = `http://127.0.0.1:${pullPort}/metrics`;

  tracerProvider = new TracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({
          url: collector.urls.otlpGrpc,
          credentials: tlsTo(collector),
          metadata: authTo(collector),
        }),
      }),
    ],
  });
});

afterAll(async () => {
  await tracerProvider?.shutdown().catch(() => undefined);
  await meterProvider?.shutdown().catch(() => undefined);
  await new Promise((resolve) => (pullServer?.listening ? pullServer.close(resolve) : resolve(undefined)));
  await collector?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, TIMEOUT_MS);

describe('metrics pushed by OTLP through the Collector', () => {
  /** The Collector's exposition: with its job/instance labels, and without (to compare). */
  let viaCollectorRaw: Exposition;
  let viaCollector: Exposition;
  let direct: Exposition;

  beforeAll(async () => {
    metrics.observeState({
      activeSessions: () => Promise.resolve(7),
      activeUsers: () => Promise.resolve({ free: 5, premium: 2 }),
      premiumSubscribers: () => Promise.resolve(2),
    });
    for (let i = 0; i < 3; i++) metrics.httpRequestStarted();
    metrics.recordHttpRequest('GET', CONTENT_ROUTE, 200, 0.042);
    metrics.recordHttpRequest('POST', '/api/v1/auth/login', 401, 0.3);
    metrics.recordPayment('success', 'card', 9.99);
    metrics.recordPayment('failed', 'mobile_money', 2500);
    metrics.recordStreamStarted('movie');
    metrics.recordStreamStarted('movie');
    metrics.recordStreamStarted('live');
    metrics.recordLogin('google', true);
    metrics.recordContentView('series', 'premium');
    metrics.recordRateLimitHit('/api/v1/auth/login');
    await meterProvider.forceFlush();

    const text = await waitFor('the pushed recordings in the Collector exposition', async () => {
      const scraped = await scrape(collector.urls.prometheus, collector.token);
      const amount = parseExposition(scraped, RESOURCE_LABELS)
        .get('mytelevision_payment_amount_total')
        ?.series.get(seriesKey({ status: 'failed' }));
      return amount === 2500 && scraped;
    });
    viaCollectorRaw = parseExposition(text);
    viaCollector = parseExposition(text, RESOURCE_LABELS);
    direct = parseExposition(await scrape(pullUrl));
  }, TIMEOUT_MS);

  it('labels every catalogue series with the API identity as job and instance, and nothing else from the resource', () => {
    for (const d of METRIC_DEFINITIONS) {
      for (const labels of viaCollectorRaw.get(d.name)?.labelSets ?? []) {
        expect({ metric: d.name, job: labels.job, instance: labels.instance }).toEqual({
          metric: d.name,
          job: SERVICE.name,
          instance: SERVICE.instance,
        });
      }
    }
  });

  it.each(METRIC_DEFINITIONS.map((d) => [d.name, d] as const))(
    '%s: same name, type, label names and values as the pull exposition',
    (name, d) => {
      const pushed = viaCollector.get(name);
      const pulled = direct.get(name);
      const expected = { type: prometheusType(d.kind), labelNames: Object.keys(d.labels).sort() };
      expect(pulled && { type: pulled.type, labelNames: pulled.labelNames }).toEqual(expected);
      expect(pushed && { type: pushed.type, labelNames: pushed.labelNames }).toEqual(expected);
      expect(pushed!.series.size).toBeGreaterThan(0);
      expect(pushed!.series).toEqual(pulled!.series);
    },
  );

  it('carries the recorded values (not only zero series)', () => {
    const value = (name: string, labels: Record<string, string>) =>
      viaCollector.get(name)?.series.get(seriesKey(labels));
    expect(value('mytelevision_payment_amount_total', { status: 'success' })).toBe(9.99);
    expect(
      value('mytelevision_payment_transactions_total', { payment_method: 'card', status: 'success' }),
    ).toBe(1);
    expect(value('mytelevision_active_streams_total', { content_type: 'movie' })).toBe(2);
    expect(value('mytelevision_http_requests_in_flight', {})).toBe(1);
    expect(value('mytelevision_auth_active_sessions_total', {})).toBe(7);
    expect(
      value('mytelevision_http_request_duration_seconds', {
        method: 'GET',
        path: CONTENT_ROUTE,
        status_code: '200',
      }),
    ).toEqual(expect.objectContaining({ count: 1, sum: 0.042 }));
  });
});

describe('OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta', () => {
  const INSTANCE = 'collector-pipeline-delta';
  type Attr = { key: string; value: { stringValue?: string } };
  type Point = { attributes?: Attr[]; asDouble?: number; asInt?: string };
  type Line = {
    resourceMetrics: Array<{
      resource: { attributes: Attr[] };
      scopeMetrics: Array<{
        metrics: Array<{ name: string; sum?: { aggregationTemporality: number; dataPoints: Point[] } }>;
      }>;
    }>;
  };
  let provider: MeterProvider;
  /** A Collector of its own, whose received metrics also go to a file, where their temporality shows. */
  let deltaCollector: RunningCollector;
  let metricsFile: string;

  beforeAll(async () => {
    metricsFile = join(workDir, 'metrics.jsonl');
    const overlay = join(workDir, 'metrics-file.yaml');
    writeFileSync(
      overlay,
      [
        'exporters:',
        '  file/metrics:',
        `    path: ${metricsFile}`,
        '    format: json',
        '    flush_interval: 1s',
        'service:',
        '  pipelines:',
        '    metrics:',
        '      exporters: [prometheus, file/metrics]',
        '',
      ].join('\n'),
    );
    deltaCollector = await startCollector({ extraConfigs: [overlay] });
  }, TIMEOUT_MS);

  afterAll(async () => {
    await provider?.shutdown().catch(() => undefined);
    await deltaCollector?.stop();
  }, TIMEOUT_MS);

  it(
    'sends the catalogue counters as deltas, which reach the Collector as such',
    async () => {
      // The exporter reads the standard variable when it is built, as the API's SDK does.
      const saved = process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE;
      process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = 'delta';
      let exporter: OTLPMetricExporter;
      try {
        exporter = new OTLPMetricExporter({
          url: deltaCollector.urls.otlpGrpc,
          credentials: tlsTo(deltaCollector),
          metadata: authTo(deltaCollector),
        });
      } finally {
        if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE;
        else process.env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE = saved;
      }
      provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': SERVICE.name, 'service.instance.id': INSTANCE }),
        readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 600_000 })],
        views: metricViews(),
      });
      const service = new MetricsService({ meter: provider.getMeter(METER_NAME), warn: () => undefined });
      service.recordLogin('apple', true);
      service.recordLogin('apple', true);
      await provider.forceFlush();
      service.recordLogin('apple', true);
      service.recordLogin('apple', true);
      service.recordLogin('apple', true);
      await provider.forceFlush();

      const isApple = (p: Point) =>
        p.attributes?.some((a) => a.key === 'provider' && a.value.stringValue === 'apple') &&
        p.attributes?.some((a) => a.key === 'status' && a.value.stringValue === 'success');
      const sums = await waitFor('both exports of the delta provider in the metrics file', () => {
        if (!existsSync(metricsFile)) return undefined;
        const found = readFileSync(metricsFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .flatMap((line) => (JSON.parse(line) as Line).resourceMetrics)
          .filter((r) => r.resource.attributes.some((a) => a.value.stringValue === INSTANCE))
          .flatMap((r) => r.scopeMetrics.flatMap((s) => s.metrics))
          .filter((m) => m.name === METRICS.authLogin.name)
          .map((m) => m.sum!);
        return found.length >= 2 && found;
      });
      const AGGREGATION_TEMPORALITY_DELTA = 1;
      expect(sums.map((s) => s.aggregationTemporality)).toEqual(
        sums.map(() => AGGREGATION_TEMPORALITY_DELTA),
      );
      const values = sums.map((s) => s.dataPoints.filter(isApple).map((p) => p.asDouble ?? Number(p.asInt)));
      // Two exports: 2 then 3 (deltas), where cumulative would have sent 2 then 5.
      expect(values).toEqual([[2], [3]]);
    },
    TIMEOUT_MS,
  );
});

describe('traces through the Collector', () => {
  const SPANS = [
    { name: 'pg.query:SELECT mytelevision', db: 'postgresql', error: false },
    { name: 'pg.query:INSERT mytelevision', db: 'postgresql', error: true },
    { name: 'get', db: 'redis', error: false },
  ];
  let traceId: string;

  beforeAll(async () => {
    const tracer = tracerProvider.getTracer('collector-pipeline-test');
    const server = tracer.startSpan(`GET ${CONTENT_ROUTE}`, {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': CONTENT_ROUTE },
    });
    traceId = server.spanContext().traceId;
    const parent = trace.setSpan(context.active(), server);
    for (const s of SPANS) {
      const span = tracer.startSpan(
        s.name,
        { kind: SpanKind.CLIENT, attributes: { 'db.system': s.db } },
        parent,
      );
      if (s.error) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    server.end();
    await tracerProvider.forceFlush();
  }, TIMEOUT_MS);

  it(
    'derives RED metrics of every operation (span_metrics): calls and a duration histogram in seconds',
    async () => {
      const spans = [...SPANS, { name: `GET ${CONTENT_ROUTE}`, db: undefined, error: false }];
      // The labels of each span's series: the connector's dimensions, dots escaped by the exporter.
      const expected = spans.map((s) => ({
        span: s.name,
        key: seriesKey({
          ...(s.db ? { db_system: s.db } : {}),
          service_name: SERVICE.name,
          span_kind: s.db ? 'SPAN_KIND_CLIENT' : 'SPAN_KIND_SERVER',
          span_name: s.name,
          status_code: s.error ? 'STATUS_CODE_ERROR' : 'STATUS_CODE_UNSET',
        }),
      }));
      // A new series can be exposed at 0 before the flush that counts its first span: wait for the counts.
      const exposition = await waitFor('span metrics of the spans sent', async () => {
        const e = parseExposition(await scrape(collector.urls.prometheus, collector.token), RESOURCE_LABELS);
        const calls = e.get('traces_span_metrics_calls_total');
        return calls !== undefined && expected.every(({ key }) => Number(calls.series.get(key)) >= 1) && e;
      });
      const calls = exposition.get('traces_span_metrics_calls_total')!;
      const duration = exposition.get('traces_span_metrics_duration_seconds')!;
      expect(calls.type).toBe('counter');
      expect(duration.type).toBe('histogram');
      expect(calls.labelNames).toEqual([
        'db_system',
        'service_name',
        'span_kind',
        'span_name',
        'status_code',
      ]);
      for (const { span, key } of expected) {
        expect({ span, calls: calls.series.get(key) }).toEqual({ span, calls: 1 });
        expect({ span, duration: duration.series.get(key) }).toEqual({
          span,
          duration: expect.objectContaining({ count: 1 }),
        });
      }
    },
    TIMEOUT_MS,
  );

  it(
    'writes the spans as OTLP JSON lines through the traces-file overlay',
    async () => {
      type Line = {
        resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ name: string; traceId: string }> }> }>;
      };
      const written = await waitFor('spans in the traces file', () => {
        if (!existsSync(tracesFile)) return undefined;
        const spans = readFileSync(tracesFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .flatMap((line) =>
            (JSON.parse(line) as Line).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
          )
          .filter((span) => span.traceId === traceId);
        return spans.length >= SPANS.length + 1 && spans;
      });
      expect(written.map((s) => s.name).sort()).toEqual(
        [...SPANS.map((s) => s.name), `GET ${CONTENT_ROUTE}`].sort(),
      );
    },
    TIMEOUT_MS,
  );
});

describe("the Collector's own telemetry", () => {
  it('answers on its metrics port and counts what the receiver accepted', async () => {
    const own = parseExposition(await scrape(collector.urls.ownMetrics));
    const accepted = (name: string) =>
      [...(own.get(name)?.series.values() ?? [])].reduce<number>((a, v) => a + Number(v), 0);
    // Collector defaults kept (config.yaml): no unit and no _total suffix on its own metric names.
    expect(accepted('otelcol_receiver_accepted_spans')).toBeGreaterThanOrEqual(4);
    expect(accepted('otelcol_receiver_accepted_metric_points')).toBeGreaterThan(0);
    expect(accepted('otelcol_exporter_sent_metric_points')).toBeGreaterThan(0);
  });
});

describe('bearer-token authentication (bearertokenauth)', () => {
  const status = async (url: string, init: RequestInit = {}) => (await fetch(url, init)).status;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('the prometheus exporter answers 401 without the token or with another, 200 with it', async () => {
    expect(await status(collector.urls.prometheus)).toBe(401);
    expect(await status(collector.urls.prometheus, { headers: bearer('not-the-token') })).toBe(401);
    expect(await status(collector.urls.prometheus, { headers: bearer(collector.token) })).toBe(200);
  });

  it('OTLP/HTTP refuses an export without the token (401) and accepts it with it', async () => {
    const exportTraces = (headers: Record<string, string>) =>
      status(`${collector.urls.otlpHttp}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    expect(await exportTraces({})).toBe(401);
    expect(await exportTraces(bearer('not-the-token'))).toBe(401);
    expect(await exportTraces(bearer(collector.token))).toBe(200);
  });

  it('the health check needs no token (liveness only)', async () => {
    expect(await status(collector.urls.health)).toBe(200);
  });
});
