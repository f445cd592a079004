import { METRICS } from '@infrastructure/metrics';
import { startApi, type RunningApi } from '../support/api-process';
import { metricsOf, OtlpCapture, spansOf } from '../support/otlp-capture';
import { waitFor } from '../support/wait';

/**
 * The standard OTEL_* variables are read by the OpenTelemetry SDK itself (NodeSDK, the OTLP
 * exporters, the auto-instrumentations): each test sets some on the built API and sees their effect
 * in what the SDK sends.
 */
const B3_TRACE = '80f198ee56343ba864fe8b2a57d3eff7';
const B3_PARENT = 'e457b5a2e4d86bd1';
const W3C_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const W3C_PARENT = '00f067aa0ba902b7';
const headers = {
  b3: `${B3_TRACE}-${B3_PARENT}-1`,
  traceparent: `00-${W3C_TRACE}-${W3C_PARENT}-01`,
};

let capture: OtlpCapture;
beforeAll(async () => (capture = await new OtlpCapture().start()));
afterAll(() => capture?.stop());

describe('per-signal OTLP endpoints over http/json, b3 propagation, http instrumentation only, delta, interval', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi(
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        // The generic endpoint goes nowhere: only the per-signal ones may be used.
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${capture.url}/one/traces`,
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${capture.url}/one/metrics`,
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
        OTEL_METRIC_EXPORT_INTERVAL: '300',
        // Longer than the interval: the SDK clamps it to the interval and says so.
        OTEL_METRIC_EXPORT_TIMEOUT: '5000',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_PROPAGATORS: 'b3',
        OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http',
      },
      'api (otel env one)',
    );
    const res = await fetch(`${api.url}/api/v1/contents`, { headers });
    expect(res.status).toBe(200);
  });
  afterAll(() => api?.stop());

  it('sends traces as JSON to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, continuing the b3 parent (OTEL_PROPAGATORS=b3)', async () => {
    const spans = await waitFor('the request span', () => {
      const found = spansOf(capture.at('/one/traces')).filter((s) => s.name.startsWith('GET'));
      return found.length > 0 && found;
    });
    expect(capture.at('/one/traces').every((r) => r.contentType.startsWith('application/json'))).toBe(true);
    expect(spans.map((s) => ({ traceId: s.traceId, parentSpanId: s.parentSpanId }))).toEqual([
      { traceId: B3_TRACE, parentSpanId: B3_PARENT },
    ]);
  });

  it('instruments only what OTEL_NODE_ENABLED_INSTRUMENTATIONS names', async () => {
    await waitFor('a span', () => spansOf(capture.at('/one/traces')).length > 0);
    const scopes = new Set(spansOf(capture.at('/one/traces')).map((s) => s.scope));
    expect([...scopes]).toEqual(['@opentelemetry/instrumentation-http']);
  });

  it('pushes the catalogue as JSON to OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, as deltas, every OTEL_METRIC_EXPORT_INTERVAL', async () => {
    // At the default 15 s interval three exports would take 45 s, past this wait.
    await waitFor('three metric exports', () => capture.at('/one/metrics').length >= 3, {
      timeoutMs: 10_000,
    });
    const counted = await waitFor('an export with the request counted', () => {
      const found = metricsOf(capture.at('/one/metrics')).filter((m) => m.name === METRICS.httpRequests.name);
      return found.length > 0 && found;
    });
    expect(capture.at('/one/metrics').every((r) => r.contentType.startsWith('application/json'))).toBe(true);
    const AGGREGATION_TEMPORALITY_DELTA = 1;
    expect(new Set(counted.map((m) => m.sum!.aggregationTemporality))).toEqual(
      new Set([AGGREGATION_TEMPORALITY_DELTA]),
    );
  });

  it('reads OTEL_METRIC_EXPORT_TIMEOUT (clamped to the interval, with the SDK warning)', () => {
    expect(api.process.output()).toMatch(
      /OTEL_METRIC_EXPORT_TIMEOUT \(5000\) is greater than OTEL_METRIC_EXPORT_INTERVAL \(300\)/,
    );
  });
});

describe('defaults: W3C trace context, the configured instrumentations, cumulative', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi(
      {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: `${capture.url}/two`,
        OTEL_METRIC_EXPORT_INTERVAL: '300',
        OTEL_BSP_SCHEDULE_DELAY: '200',
      },
      'api (otel env two)',
    );
    const res = await fetch(`${api.url}/api/v1/contents`, { headers });
    expect(res.status).toBe(200);
  });
  afterAll(() => api?.stop());

  it('continues the traceparent parent and ignores b3', async () => {
    const spans = await waitFor('the request span', () => {
      const found = spansOf(capture.at('/two/v1/traces')).filter((s) => s.name.startsWith('GET'));
      return found.length > 0 && found;
    });
    expect(spans.map((s) => s.traceId)).toEqual([W3C_TRACE]);
  });

  it('has spans of http, express and nestjs-core, none of fs, dns or net', async () => {
    const scopes = await waitFor('spans of the nest handler', () => {
      const found = new Set(spansOf(capture.at('/two/v1/traces')).map((s) => s.scope));
      return found.has('@opentelemetry/instrumentation-nestjs-core') && found;
    });
    expect(scopes).toEqual(
      expect.objectContaining(
        new Set([
          '@opentelemetry/instrumentation-http',
          '@opentelemetry/instrumentation-express',
          '@opentelemetry/instrumentation-nestjs-core',
        ]),
      ),
    );
    for (const off of ['fs', 'dns', 'net'])
      expect(scopes.has(`@opentelemetry/instrumentation-${off}`)).toBe(false);
  });

  it('pushes cumulative sums by default', async () => {
    const counted = await waitFor(
      'an export with the request counted',
      () => {
        const found = metricsOf(capture.at('/two/v1/metrics')).filter(
          (m) => m.name === METRICS.httpRequests.name,
        );
        return found.length > 0 && found;
      },
      { timeoutMs: 10_000 },
    );
    const AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
    expect(new Set(counted.map((m) => m.sum!.aggregationTemporality))).toEqual(
      new Set([AGGREGATION_TEMPORALITY_CUMULATIVE]),
    );
  });
});
