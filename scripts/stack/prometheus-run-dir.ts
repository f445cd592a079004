import { existsSync, lstatSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSecrets } from './layout.ts';
import type { StackPorts } from './ports.ts';

/**
 * The native Prometheus run directory (monitoring/prometheus/README.md "One file, two stacks"):
 * prometheus.yml and rules/ are the repository's files (symlinks), targets/ and secrets/ are ours,
 * tls/ links to the stack's CA (prometheus.yml verifies every target with tls/ca.crt).
 * Only when other global intervals are asked for (the end-to-end tests) is prometheus.yml a
 * rendered copy whose `global` intervals differ, and nothing else.
 */

export interface PrometheusIntervals {
  readonly scrapeInterval?: string;
  readonly evaluationInterval?: string;
}

/** Job name → target port (null: no native target for that job). Names are prometheus.yml's jobs. */
export function prometheusTargets(ports: StackPorts, cadvisor: boolean): Record<string, number | null> {
  return {
    'mytelevision-api': ports.api,
    'node-exporter': ports.nodeExporter,
    postgres: ports.postgresExporter,
    redis: ports.redisExporter,
    cadvisor: cadvisor ? ports.cadvisor : null,
    'otel-collector': ports.collectorPrometheus,
    'otel-collector-internal': ports.collectorMetrics,
    alertmanager: ports.alertmanager,
    prometheus: ports.prometheus,
  };
}

function link(target: string, path: string): void {
  if (existsSync(path) || isSymlink(path)) rmSync(path, { recursive: true, force: true });
  symlinkSync(target, path);
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The shipped prometheus.yml with its `global` scrape/evaluation intervals replaced. */
export function withIntervals(source: string, intervals: PrometheusIntervals): string {
  let out = source;
  const replace = (key: string, value: string | undefined) => {
    if (!value) return;
    if (!/^\d+(ms|s|m)$/.test(value)) throw new Error(`${key} ${value}: not a Prometheus duration`);
    const pattern = new RegExp(`^(  ${key}: )\\S+`, 'm');
    if (!pattern.test(out)) throw new Error(`prometheus.yml has no global ${key} to override`);
    out = out.replace(pattern, `$1${value}`);
  };
  replace('scrape_interval', intervals.scrapeInterval);
  replace('evaluation_interval', intervals.evaluationInterval);
  // scrape_timeout may not exceed scrape_interval: keep it at most the new interval.
  if (intervals.scrapeInterval)
    out = out.replace(/^(  scrape_timeout: )\S+/m, `$1${intervals.scrapeInterval}`);
  return out;
}

export interface PrometheusRunDirOptions {
  readonly root: string;
  readonly dir: string;
  readonly ports: StackPorts;
  readonly cadvisor: boolean;
  readonly secrets: StackSecrets;
  /** The stack's tls/ dir (ca.crt). */
  readonly tlsDir: string;
  readonly intervals: PrometheusIntervals;
}

export function preparePrometheusRunDir(options: PrometheusRunDirOptions): string {
  const { dir } = options;
  const shipped = join(options.root, 'monitoring', 'prometheus');
  mkdirSync(join(dir, 'targets'), { recursive: true });
  mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'prometheus.yml');
  if (options.intervals.scrapeInterval || options.intervals.evaluationInterval) {
    if (isSymlink(config)) rmSync(config);
    const source = readFileSync(join(shipped, 'prometheus.yml'), 'utf8');
    writeFileSync(
      config,
      `# RENDERED by scripts/stack from monitoring/prometheus/prometheus.yml: only global intervals differ.\n${withIntervals(source, options.intervals)}`,
    );
  } else {
    link(join(shipped, 'prometheus.yml'), config);
  }
  link(join(shipped, 'rules'), join(dir, 'rules'));
  link(options.tlsDir, join(dir, 'tls'));
  for (const [job, port] of Object.entries(prometheusTargets(options.ports, options.cadvisor))) {
    const body = port === null ? '[]\n' : `- targets: ["127.0.0.1:${port}"]\n`;
    writeFileSync(join(dir, 'targets', `${job}.yml`), `# written by scripts/stack (native stack)\n${body}`);
  }
  const secret = (name: string, value: string) =>
    writeFileSync(join(dir, 'secrets', name), value, { mode: 0o600 });
  // The same credentials as the web configs of the stack (copies: Prometheus reads them relative to its config).
  secret('metrics_token', options.secrets.metricsToken);
  for (const name of [
    'prometheus_basic_auth_password',
    'alertmanager_basic_auth_password',
    'exporters_basic_auth_password',
  ] as const)
    secret(name, options.secrets.read(name));
  return config;
}
