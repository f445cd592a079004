import { readFileSync } from 'node:fs';
import { TelemetryConfigError } from './telemetry-options';

/**
 * The Collector's OTLP receivers require `Authorization: Bearer <token>`. The token is read from the
 * file named by OTLP_TOKEN_FILE (a compose secret, the native stack's secrets directory) rather than
 * written into the container's environment, where `docker inspect` and child processes would see it.
 *
 * The preload adds it to OTEL_EXPORTER_OTLP_HEADERS of its own process before the SDK starts, so that
 * the SDK's exporters (HTTP and gRPC, every signal) keep one source for their headers. The header
 * comes after any the user set, and the SDK keeps the last value of a key: the file's token wins.
 */
export function applyOtlpTokenFile(env: NodeJS.ProcessEnv = process.env): void {
  const file = env.OTLP_TOKEN_FILE?.trim();
  if (!file) return;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new TelemetryConfigError(`OTLP_TOKEN_FILE=${file} cannot be read: ${(error as Error).message}`);
  }
  // The Collector's bearertokenauth reads the first word of each line: the same rule here.
  const token = text.split(/\s+/).find((word) => word !== '');
  if (token === undefined) throw new TelemetryConfigError(`OTLP_TOKEN_FILE=${file} is empty`);
  // The SDK URL-decodes header values (W3C baggage syntax).
  const header = `authorization=${encodeURIComponent(`Bearer ${token}`)}`;
  const current = env.OTEL_EXPORTER_OTLP_HEADERS?.trim();
  env.OTEL_EXPORTER_OTLP_HEADERS = current ? `${current},${header}` : header;
}
