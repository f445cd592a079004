/**
 * The OpenTelemetry preload: `node --require ./dist/tracing.js dist/main.js`.
 *
 * It starts the SDK before any application module is loaded, so that the instrumentations can patch
 * http, express, @nestjs/core, pg, ioredis and pino as they are first required. Only telemetry
 * modules are imported here. With OTEL_SDK_DISABLED=true it does nothing at all.
 */
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { jsonLineSink } from './infrastructure/logging/json-line-sink';
import { throttledDiagLogger } from './infrastructure/telemetry/diag-logger';
import { startTelemetry } from './infrastructure/telemetry/sdk';
import { readTelemetryConfig, TelemetryConfigError } from './infrastructure/telemetry/telemetry-config';
import { setTelemetryRuntime } from './infrastructure/telemetry/telemetry-runtime';

function preload(): void {
  let config;
  try {
    config = readTelemetryConfig();
  } catch (error) {
    if (!(error instanceof TelemetryConfigError)) throw error;
    process.stderr.write(`mytelevision: invalid telemetry configuration: ${error.message}\n`);
    process.exit(1);
  }
  if (config.disabled) return;

  diag.setLogger(throttledDiagLogger(jsonLineSink('opentelemetry')), DiagLogLevel.WARN);
  const runtime = startTelemetry(config);
  setTelemetryRuntime(runtime);

  // Flush on stop. When the Nest app has its shutdown hooks, it awaits the same shutdown
  // (TelemetryModule) and re-raises the signal itself; alone, the preload re-raises it.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void runtime.shutdown().finally(() => {
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
      });
    });
  }
}

preload();
