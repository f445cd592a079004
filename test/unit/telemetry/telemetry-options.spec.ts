import {
  applyTelemetryDefaults,
  cardinalityLimit,
  metricsReaderKind,
  TELEMETRY_DEFAULTS,
  tracesEnabled,
} from '../../../src/infrastructure/telemetry/telemetry-options';

describe('telemetry options (what the SDK does not decide)', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('writes the project defaults where a standard variable is unset, and keeps a user value', () => {
    const env: NodeJS.ProcessEnv = { OTEL_METRICS_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: '' };
    applyTelemetryDefaults(env);
    expect(env).toEqual({ ...TELEMETRY_DEFAULTS, OTEL_METRICS_EXPORTER: 'otlp' });
    expect(env.OTEL_NODE_ENABLED_INSTRUMENTATIONS).toBe('http,express,nestjs-core,pg,ioredis,pino');
  });

  it('allows one metric reader only', () => {
    delete process.env.OTEL_METRICS_EXPORTER;
    expect(metricsReaderKind()).toBe('prometheus');
    process.env.OTEL_METRICS_EXPORTER = 'otlp';
    expect(metricsReaderKind()).toBe('otlp');
    process.env.OTEL_METRICS_EXPORTER = 'prometheus,otlp';
    expect(() => metricsReaderKind()).toThrow(/one reader only/);
    process.env.OTEL_METRICS_EXPORTER = 'console';
    expect(() => metricsReaderKind()).toThrow(/OTEL_METRICS_EXPORTER=console/);
  });

  it('reads OTEL_METRICS_CARDINALITY_LIMIT, which no SDK package reads', () => {
    delete process.env.OTEL_METRICS_CARDINALITY_LIMIT;
    expect(cardinalityLimit(7)).toBe(7);
    process.env.OTEL_METRICS_CARDINALITY_LIMIT = '100';
    expect(cardinalityLimit(7)).toBe(100);
    process.env.OTEL_METRICS_CARDINALITY_LIMIT = '-3';
    expect(() => cardinalityLimit(7)).toThrow(/positive integer/);
  });

  it('turns traces off with OTEL_TRACES_EXPORTER=none only', () => {
    delete process.env.OTEL_TRACES_EXPORTER;
    expect(tracesEnabled()).toBe(true);
    process.env.OTEL_TRACES_EXPORTER = 'none';
    expect(tracesEnabled()).toBe(false);
  });
});
