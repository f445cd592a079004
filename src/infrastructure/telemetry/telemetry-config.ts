import { hostname } from 'node:os';

/**
 * The telemetry configuration, read once from the standard OTEL_* variables (and a few of ours).
 * An explicit object so that the preload, the tests and the benchmarks build the SDK the same way.
 */
export type MetricsExporterKind = 'prometheus' | 'otlp' | 'none';
export type OtlpProtocol = 'grpc' | 'http/protobuf';

export interface TelemetryConfig {
  /** OTEL_SDK_DISABLED=true: no SDK, no instrumentation, no metrics (the API still serves). */
  readonly disabled: boolean;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly serviceInstanceId: string;
  readonly deploymentEnvironment: string;
  /** OTEL_METRICS_EXPORTER: `prometheus` (default, pull at GET /metrics) or `otlp` (push); one reader only. */
  readonly metricsExporter: MetricsExporterKind;
  /** OTEL_TRACES_EXPORTER: `otlp` (default) or `none`. */
  readonly tracesExporter: 'otlp' | 'none';
  /** OTEL_EXPORTER_OTLP_PROTOCOL (standard default http/protobuf, port 4318; grpc uses 4317). */
  readonly otlpProtocol: OtlpProtocol;
  /** OTEL_TRACES_SAMPLER / OTEL_TRACES_SAMPLER_ARG (default parentbased_always_on). */
  readonly sampler: { readonly name: SamplerName; readonly ratio: number };
  /** OTEL_METRIC_EXPORT_INTERVAL in push mode (ms). */
  readonly metricExportIntervalMs: number;
  /** Most attribute combinations one instrument aggregates; the rest fold into one overflow series. */
  readonly cardinalityLimit: number;
  /** Paths that produce no spans: the scrape endpoint and the health probes. */
  readonly untracedPathPrefixes: readonly string[];
}

const PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf'];
export const SAMPLERS = [
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
  'always_on',
  'always_off',
  'traceidratio',
] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export class TelemetryConfigError extends Error {}

export function readTelemetryConfig(env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  const metricsExporter = (env.OTEL_METRICS_EXPORTER ?? 'prometheus').trim().toLowerCase();
  if (metricsExporter !== 'prometheus' && metricsExporter !== 'otlp' && metricsExporter !== 'none') {
    throw new TelemetryConfigError(
      `OTEL_METRICS_EXPORTER=${metricsExporter} is not supported: use prometheus (default), otlp or none (one reader only)`,
    );
  }
  const tracesExporter = (env.OTEL_TRACES_EXPORTER ?? 'otlp').trim().toLowerCase();
  if (tracesExporter !== 'otlp' && tracesExporter !== 'none') {
    throw new TelemetryConfigError(`OTEL_TRACES_EXPORTER=${tracesExporter} is not supported: use otlp or none`);
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf').trim().toLowerCase() as OtlpProtocol;
  if (!PROTOCOLS.includes(protocol)) {
    throw new TelemetryConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: use grpc or http/protobuf`);
  }
  const samplerName = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase() as SamplerName;
  if (!SAMPLERS.includes(samplerName)) {
    throw new TelemetryConfigError(`OTEL_TRACES_SAMPLER=${samplerName} is not supported: use one of ${SAMPLERS.join(', ')}`);
  }
  const ratio = env.OTEL_TRACES_SAMPLER_ARG === undefined || env.OTEL_TRACES_SAMPLER_ARG === '' ? 1 : Number(env.OTEL_TRACES_SAMPLER_ARG);
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new TelemetryConfigError(`OTEL_TRACES_SAMPLER_ARG=${env.OTEL_TRACES_SAMPLER_ARG} must be a ratio between 0 and 1`);
  }
  return {
    disabled: (env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true',
    serviceName: env.OTEL_SERVICE_NAME || 'mytelevision-api',
    serviceVersion: env.SERVICE_VERSION || env.npm_package_version || '0.1.0',
    serviceInstanceId: env.SERVICE_INSTANCE_ID || `${hostname()}:${process.pid}`,
    deploymentEnvironment: env.DEPLOYMENT_ENVIRONMENT || env.NODE_ENV || 'development',
    metricsExporter,
    tracesExporter,
    otlpProtocol: protocol,
    sampler: { name: samplerName, ratio },
    metricExportIntervalMs: positiveInt(env, 'OTEL_METRIC_EXPORT_INTERVAL', 15_000),
    cardinalityLimit: positiveInt(env, 'OTEL_METRICS_CARDINALITY_LIMIT', 2_000),
    untracedPathPrefixes: ['/metrics', '/health/'],
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new TelemetryConfigError(`${name}=${raw} must be a positive integer`);
  return n;
}
