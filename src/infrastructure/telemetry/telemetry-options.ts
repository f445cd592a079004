import { getBooleanFromEnv, getStringListFromEnv } from '@opentelemetry/core';

/**
 * What the OpenTelemetry SDK does not decide by itself. The standard OTEL_* variables are read by
 * the SDK (NodeSDK, the exporters, the auto-instrumentations); this module only gives some of them
 * the project's defaults — written into the environment when unset, so that a user's value always
 * wins and the SDK reads one source — and reads the few settings the SDK has no variable for.
 */
export const TELEMETRY_DEFAULTS: Readonly<Record<string, string>> = {
  // Pull by default: the app serves GET /metrics (the SDK's default would be OTLP push).
  OTEL_METRICS_EXPORTER: 'prometheus',
  // Logs stay in the process's JSON lines (with trace ids); no OTLP log export unless asked.
  OTEL_LOGS_EXPORTER: 'none',
  // Push interval in OTLP mode: 15 s like the Prometheus scrape, not the SDK's 60 s.
  OTEL_METRIC_EXPORT_INTERVAL: '15000',
  // What the API runs on; fs, dns, net and the other ~35 stay off (one span per syscall is noise).
  OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,express,nestjs-core,pg,ioredis,pino',
  // The detectors whose attributes identify the service; process/host detail stays out of target_info.
  OTEL_NODE_RESOURCE_DETECTORS: 'env',
};

/** Paths that produce no spans and are never rate limited: the probes and the scrape. */
export const OPERATIONAL_PATHS: readonly string[] = ['/health/live', '/health/ready', '/metrics'];

/** Default of OTEL_METRICS_CARDINALITY_LIMIT for the catalogue: above its own 10,000-series backstop. */
export const CATALOGUE_CARDINALITY_LIMIT = 20_000;
/** Default of OTEL_METRICS_CARDINALITY_LIMIT for every other meter (the SDK's own default). */
export const DEFAULT_CARDINALITY_LIMIT = 2_000;

export type MetricsReaderKind = 'prometheus' | 'otlp' | 'none';

export class TelemetryConfigError extends Error {}

export function applyTelemetryDefaults(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, value] of Object.entries(TELEMETRY_DEFAULTS)) {
    if (env[name] === undefined || env[name].trim() === '') env[name] = value;
  }
}

/** OTEL_SDK_DISABLED=true: no SDK at all (the SDK's own boolean parsing). */
export function telemetryDisabled(): boolean {
  return getBooleanFromEnv('OTEL_SDK_DISABLED');
}

/**
 * OTEL_METRICS_EXPORTER, restricted to one reader: `prometheus` (the app serves it), `otlp` (the SDK
 * builds the push reader from the OTLP variables) or `none`. A list of two readers is refused: both
 * would collect the same instruments and the catalogue would be counted in two places.
 */
export function metricsReaderKind(): MetricsReaderKind {
  const kinds = [...new Set(getStringListFromEnv('OTEL_METRICS_EXPORTER') ?? ['prometheus'])];
  if (kinds.length !== 1 || !['prometheus', 'otlp', 'none'].includes(kinds[0])) {
    throw new TelemetryConfigError(
      `OTEL_METRICS_EXPORTER=${kinds.join(',')} is not supported: use prometheus (default), otlp or none (one reader only)`,
    );
  }
  return kinds[0] as MetricsReaderKind;
}

/** Traces are exported unless OTEL_TRACES_EXPORTER is `none` (as the SDK decides). */
export function tracesEnabled(): boolean {
  return (getStringListFromEnv('OTEL_TRACES_EXPORTER') ?? [])[0] !== 'none';
}

/** Log records are sent by OTLP only when OTEL_LOGS_EXPORTER names an exporter. */
export function logsExported(): boolean {
  const list = getStringListFromEnv('OTEL_LOGS_EXPORTER') ?? [];
  return list.length > 0 && !list.includes('none');
}

/**
 * OTEL_METRICS_CARDINALITY_LIMIT (no SDK reads it): the most attribute sets one instrument keeps
 * before it folds new ones into the `otel_metric_overflow="true"` series.
 */
export function cardinalityLimit(fallback: number): number {
  const raw = process.env.OTEL_METRICS_CARDINALITY_LIMIT;
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new TelemetryConfigError(`OTEL_METRICS_CARDINALITY_LIMIT=${raw} must be a positive integer`);
  }
  return n;
}
