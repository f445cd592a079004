/**
 * The OpenTelemetry preload: `node --require ./dist/tracing.js dist/main.js`.
 *
 * It starts the OpenTelemetry Node SDK before any application module is loaded, so that the
 * instrumentations can patch http, express, @nestjs/core, pg, ioredis and pino as they are first
 * required. Only telemetry modules are imported here. With OTEL_SDK_DISABLED=true it does nothing.
 */
import './compile-cache';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { jsonLineSink } from './infrastructure/logging/json-line-sink';
import { throttledDiagLogger } from './infrastructure/telemetry/diag-logger';
import { TelemetryConfigError, telemetryDisabled } from './infrastructure/telemetry/telemetry-options';
import { setTelemetryRuntime, type TelemetryRuntime } from './infrastructure/telemetry/telemetry-runtime';

function preload(): void {
  if (telemetryDisabled()) return;
  // Before the SDK starts, so that its configuration warnings are logged like the export failures.
  // (OTEL_LOG_LEVEL, when set, makes the SDK install its own console logger instead.)
  diag.setLogger(throttledDiagLogger(jsonLineSink('opentelemetry')), DiagLogLevel.WARN);
  let runtime: TelemetryRuntime;
  try {
    // Required here, not imported: with OTEL_SDK_DISABLED=true the SDK's ~500 modules are not loaded.
    const { startTelemetry } =
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('./infrastructure/telemetry/sdk') as typeof import('./infrastructure/telemetry/sdk');
    runtime = startTelemetry();
  } catch (error) {
    if (!(error instanceof TelemetryConfigError)) throw error;
    process.stderr.write(`mytelevision: invalid telemetry configuration: ${error.message}\n`);
    process.exit(1);
  }
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
