export { TelemetryModule, type TelemetryModuleOptions } from './telemetry.module';
export { getTelemetryRuntime, type TelemetryRuntime } from './telemetry-runtime';
export { startTelemetry, type TelemetryOptions } from './sdk';
