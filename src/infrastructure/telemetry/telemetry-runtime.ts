import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import type { MetricStore } from '../metrics/metric-store';

/**
 * What the `--require` preload started, handed to the application it preloads. The preload runs
 * before any Nest module exists, so this module-level slot is the one hand-off point; the app
 * reads it through TelemetryModule and never writes it.
 */
export interface TelemetryRuntime {
  /** Where MetricsService records the catalogue; the metric reader (pull or push) reads it. */
  readonly metricStore: MetricStore;
  /** The pull reader of the SDK's own metrics (process, runtime); absent in push mode. */
  readonly prometheus?: PrometheusExporter;
  /** Flushes and stops the SDK; idempotent. */
  shutdown(): Promise<void>;
}

let current: TelemetryRuntime | undefined;

export function setTelemetryRuntime(runtime: TelemetryRuntime): void {
  current = runtime;
}

/** Undefined when the API runs without the preload or with OTEL_SDK_DISABLED=true. */
export function getTelemetryRuntime(): TelemetryRuntime | undefined {
  return current;
}
