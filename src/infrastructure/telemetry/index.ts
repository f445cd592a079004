export { TelemetryModule, type TelemetryModuleOptions } from './telemetry.module';
export { getTelemetryRuntime, type TelemetryRuntime } from './telemetry-runtime';
export { readTelemetryConfig, type TelemetryConfig } from './telemetry-config';
