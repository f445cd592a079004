import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyOtlpTokenFile } from '../../../src/infrastructure/telemetry/otlp-token';
import { TelemetryConfigError } from '../../../src/infrastructure/telemetry/telemetry-options';

describe('applyOtlpTokenFile (the Collector bearer token from a file)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mtv-otlp-token-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const tokenFile = (content: string) => {
    const path = join(dir, 'otelcol_token');
    writeFileSync(path, content);
    return path;
  };

  it('does nothing without OTLP_TOKEN_FILE', () => {
    const env: NodeJS.ProcessEnv = { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a' };
    applyOtlpTokenFile(env);
    expect(env).toEqual({ OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a' });
  });

  it('adds the authorization header as the SDK parses it, base64 characters intact', () => {
    const env: NodeJS.ProcessEnv = { OTLP_TOKEN_FILE: tokenFile('ab+c/d=e==\n') };
    applyOtlpTokenFile(env);
    expect(parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS)).toEqual({
      authorization: 'Bearer ab+c/d=e==',
    });
  });

  it("keeps the user's headers and takes the first word of the file like the Collector", () => {
    const env: NodeJS.ProcessEnv = {
      OTLP_TOKEN_FILE: tokenFile('  tok3n # a comment\nsecond-token\n'),
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a,authorization=Bearer%20old',
    };
    applyOtlpTokenFile(env);
    expect(parseKeyPairsIntoRecord(env.OTEL_EXPORTER_OTLP_HEADERS)).toEqual({
      'x-tenant': 'a',
      authorization: 'Bearer tok3n',
    });
  });

  it('refuses an empty or missing file with a configuration error', () => {
    expect(() => applyOtlpTokenFile({ OTLP_TOKEN_FILE: tokenFile(' \n') })).toThrow(TelemetryConfigError);
    expect(() => applyOtlpTokenFile({ OTLP_TOKEN_FILE: join(dir, 'missing') })).toThrow(/cannot be read/);
  });
});
