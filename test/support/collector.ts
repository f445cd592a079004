import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { freePorts } from './ports';
import { ManagedProcess } from './processes';
import { waitFor } from './wait';

/**
 * The project's built OpenTelemetry Collector (scripts/collector.sh), started on spare 127.0.0.1
 * ports with otel-collector/config.yaml (and optional overlays), for config and end-to-end tests.
 */

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const COLLECTOR_DIR = join(REPO_ROOT, 'otel-collector');
export const COLLECTOR_CONFIG = join(COLLECTOR_DIR, 'config.yaml');

/** Overlays merged over config.yaml with a second --config. */
export type CollectorOverlay = 'traces-file' | 'traces-backend';

export function overlayPath(overlay: CollectorOverlay): string {
  return join(COLLECTOR_DIR, `${overlay}.yaml`);
}

/** Path of the built binary; throws (so the test fails) with the command that builds it. */
export function collectorBinary(): string {
  const script = join(REPO_ROOT, 'scripts', 'collector.sh');
  const path = execFileSync(script, ['path', '--no-build'], { encoding: 'utf8' }).trim();
  if (!existsSync(path)) {
    throw new Error(
      `The Collector is not built (expected ${path}). Build it with: scripts/collector.sh build ` +
        '(several minutes when cold; scripts/test.sh does it before the tests).',
    );
  }
  return path;
}

export interface CollectorPorts {
  readonly otlpGrpc: number;
  readonly otlpHttp: number;
  readonly prometheus: number;
  readonly ownMetrics: number;
  readonly health: number;
}

export interface RunningCollector {
  readonly ports: CollectorPorts;
  readonly process: ManagedProcess;
  /** The CA its certificate chains to (a throw-away one per Collector); trusted by this test process. */
  readonly caFile: string;
  /** The bearer token its OTLP receivers and prometheus exporter require (`Authorization: Bearer …`). */
  readonly token: string;
  readonly urls: {
    /** OTLP/HTTP base URL: append /v1/traces or /v1/metrics. */
    readonly otlpHttp: string;
    /** OTLP/gRPC endpoint (https://host:port: TLS with `caFile`). */
    readonly otlpGrpc: string;
    /** The prometheus exporter's exposition (pull). */
    readonly prometheus: string;
    /** The Collector's own telemetry. */
    readonly ownMetrics: string;
    readonly health: string;
  };
  stop(): Promise<void>;
}

export interface StartCollectorOptions {
  readonly overlays?: readonly CollectorOverlay[];
  /** Further config files merged last, e.g. a test's own overlay written to a temporary directory. */
  readonly extraConfigs?: readonly string[];
  /** Extra environment (e.g. OTELCOL_TRACES_FILE, OTELCOL_SPANMETRICS_FLUSH_INTERVAL). */
  readonly env?: Readonly<Record<string, string>>;
  readonly startTimeoutMs?: number;
}

const HOST = '127.0.0.1';

/** Starts the Collector and resolves once its health check answers 200 (pipelines started). */
export async function startCollector(options: StartCollectorOptions = {}): Promise<RunningCollector> {
  const binary = collectorBinary();
  const [otlpGrpc, otlpHttp, prometheus, ownMetrics, health] = await freePorts(5);
  const ports: CollectorPorts = { otlpGrpc, otlpHttp, prometheus, ownMetrics, health };
  // Its receivers, exporter and health check serve TLS, as in every stack: a throw-away CA and
  // certificate (scripts/tls/make-certs.sh), trusted by this test process beside the system's CAs.
  const tlsDir = mkdtempSync(join(tmpdir(), 'mtv-otelcol-tls-'));
  execFileSync('sh', [join(COLLECTOR_DIR, '..', 'scripts', 'tls', 'make-certs.sh'), tlsDir], {
    stdio: 'pipe',
  });
  const caFile = join(tlsDir, 'ca.crt');
  // The bearer token (config.yaml's OTELCOL_AUTH_TOKEN_FILE), like the stack's otelcol_token.
  const token = randomBytes(32).toString('base64url');
  const tokenFile = join(tlsDir, 'otelcol_token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const ca = readFileSync(caFile, 'utf8');
  const trusted = getCACertificates('default');
  if (!trusted.includes(ca)) setDefaultCACertificates([...trusted, ca]);
  const args = ['--config', COLLECTOR_CONFIG];
  for (const overlay of options.overlays ?? []) args.push('--config', overlayPath(overlay));
  for (const file of options.extraConfigs ?? []) args.push('--config', file);
  const env = {
    ...process.env,
    OTELCOL_BIND_HOST: HOST,
    OTELCOL_OTLP_GRPC_PORT: String(otlpGrpc),
    OTELCOL_OTLP_HTTP_PORT: String(otlpHttp),
    OTELCOL_PROMETHEUS_PORT: String(prometheus),
    OTELCOL_METRICS_PORT: String(ownMetrics),
    OTELCOL_HEALTH_PORT: String(health),
    OTELCOL_TLS_CERT_FILE: join(tlsDir, 'server.crt'),
    OTELCOL_TLS_KEY_FILE: join(tlsDir, 'server.key'),
    OTELCOL_AUTH_TOKEN_FILE: tokenFile,
    ...options.env,
  };
  const collector = new ManagedProcess('otelcol-mytelevision', binary, args, { env, cwd: COLLECTOR_DIR });
  const urls = {
    otlpHttp: `https://${HOST}:${otlpHttp}`,
    otlpGrpc: `https://${HOST}:${otlpGrpc}`,
    prometheus: `https://${HOST}:${prometheus}/metrics`,
    // The own-telemetry pull reader has no TLS option.
    ownMetrics: `http://${HOST}:${ownMetrics}/metrics`,
    health: `https://${HOST}:${health}/`,
  };
  try {
    await waitFor(
      'the Collector health check',
      async () => {
        if (!collector.alive) throw new Error(`the Collector exited:\n${collector.output()}`);
        return (await fetch(urls.health)).status === 200;
      },
      { timeoutMs: options.startTimeoutMs ?? 30_000 },
    );
  } catch (error) {
    await collector.stop();
    rmSync(tlsDir, { recursive: true, force: true });
    throw new Error(`${(error as Error).message}\n--- Collector output ---\n${collector.output()}`);
  }
  return {
    ports,
    process: collector,
    caFile,
    token,
    urls,
    stop: async () => {
      await collector.stop();
      rmSync(tlsDir, { recursive: true, force: true });
    },
  };
}
