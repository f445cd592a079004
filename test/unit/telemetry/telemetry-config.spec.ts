import { readTelemetryConfig } from '@infrastructure/telemetry';

describe('readTelemetryConfig', () => {
  it('defaults to pull metrics, OTLP traces over http/protobuf, SDK on', () => {
    const c = readTelemetryConfig({});
    expect(c).toMatchObject({
      disabled: false,
      serviceName: 'mytelevision-api',
      metricsExporter: 'prometheus',
      tracesExporter: 'otlp',
      otlpProtocol: 'http/protobuf',
      cardinalityLimit: 2000,
      sampler: { name: 'parentbased_always_on', ratio: 1 },
    });
    expect(c.untracedPathPrefixes).toEqual(['/metrics', '/health/']);
  });

  it('honours the standard OTEL_* variables', () => {
    const c = readTelemetryConfig({
      OTEL_SDK_DISABLED: 'TRUE',
      OTEL_SERVICE_NAME: 'api-eu',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_METRIC_EXPORT_INTERVAL: '5000',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.1',
    });
    expect(c).toMatchObject({
      disabled: true,
      serviceName: 'api-eu',
      metricsExporter: 'otlp',
      tracesExporter: 'none',
      otlpProtocol: 'grpc',
      metricExportIntervalMs: 5000,
      sampler: { name: 'parentbased_traceidratio', ratio: 0.1 },
    });
  });

  it.each([
    [{ OTEL_METRICS_EXPORTER: 'prometheus,otlp' }, /one reader only/],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER=zipkin/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, /OTEL_EXPORTER_OTLP_PROTOCOL/],
    [{ OTEL_METRIC_EXPORT_INTERVAL: '-3' }, /positive integer/],
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER=sometimes/],
    [{ OTEL_TRACES_SAMPLER_ARG: '1.5' }, /between 0 and 1/],
  ])('rejects %p with a clear message', (env, message) => {
    expect(() => readTelemetryConfig(env)).toThrow(message);
  });
});
