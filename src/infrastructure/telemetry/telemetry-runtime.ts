import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';

/**
 * What the `--require` preload started, handed to the application it preloads. The preload runs
 * before any Nest module exists, so this module-level slot is the one hand-off point; the app
 * reads it through TelemetryModule and never writes it.
 */
export interface TelemetryRuntime {
  /** The pull reader GET /metrics serializes; absent in push mode and with OTEL_METRICS_EXPORTER=none. */
  readonly prometheus?: PrometheusExporter;
  /** Flushes and stops the SDK; idempotent. */
  shutdown(): Promise<void>;
}

let current: TelemetryRuntime | undefined;

export function setTelemetryRuntime(runtime: TelemetryRuntime | undefined): void {
  current = runtime;
}

/** Undefined when the API runs without the preload or with OTEL_SDK_DISABLED=true. */
export function getTelemetryRuntime(): TelemetryRuntime | undefined {
  return current;
}
