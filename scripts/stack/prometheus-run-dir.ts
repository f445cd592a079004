import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { StackSecrets } from './layout.ts';
import type { StackPorts } from './ports.ts';
import { prometheusReplicaConfig, type PrometheusReplicaSettings } from './prometheus-ha-config.ts';

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
  /**
   * End-to-end tests only: every alert's `for:` divided by this, in rendered copies of the rule
   * files (the promtool tests check the shipped durations; the e2e tests check delivery).
   */
  readonly ruleForDivisor?: number;
}

const DURATION_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600 };

/** A rule file's text with each `for:` divided by `divisor` (at least 1s; whole seconds). */
export function withShorterFor(source: string, divisor: number): string {
  return source.replace(/^(\s+for: )(\d+)(s|m|h)\s*$/gm, (_, prefix: string, n: string, unit: string) => {
    const seconds = Math.max(1, Math.round((Number(n) * DURATION_SECONDS[unit]) / divisor));
    return `${prefix}${seconds}s`;
  });
}

/**
 * Job name → target port (null: no native target for that job). Names are prometheus.yml's jobs.
 * In push mode (`apiMetricsScraped` false) the API's /metrics answers 404: the job has no target,
 * and the API's liveness is the api-liveness probe's alone (see apiLivenessTargets).
 */
export function prometheusTargets(
  ports: StackPorts,
  cadvisor: boolean,
  apiMetricsScraped = true,
): Record<string, number | null> {
  return {
    'mytelevision-api': apiMetricsScraped ? ports.api : null,
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
  /** Jobs with other targets than the single stack's (HA: both APIs, every Alertmanager node…). */
  readonly targets?: Readonly<Record<string, readonly number[]>>;
  /** An HA replica: a rendered copy with its external label, alert relabelling and remote write. */
  readonly replica?: PrometheusReplicaSettings;
  /** false in push mode (OTEL_METRICS_EXPORTER=otlp): the API's /metrics is not scraped. */
  readonly apiMetricsScraped?: boolean;
}

/** targets/api-liveness.yml: the URL the blackbox exporter probes, and the exporter's address. */
export function apiLivenessTargets(ports: StackPorts): string {
  return (
    `- targets: ["https://127.0.0.1:${ports.api}/health/live"]
` +
    `  labels:
    __blackbox_exporter: "127.0.0.1:${ports.blackboxExporter}"
`
  );
}

export function preparePrometheusRunDir(options: PrometheusRunDirOptions): string {
  const { dir } = options;
  const shipped = join(options.root, 'monitoring', 'prometheus');
  mkdirSync(join(dir, 'targets'), { recursive: true });
  mkdirSync(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'prometheus.yml');
  if (options.intervals.scrapeInterval || options.intervals.evaluationInterval || options.replica) {
    if (isSymlink(config)) rmSync(config);
    let text = withIntervals(readFileSync(join(shipped, 'prometheus.yml'), 'utf8'), options.intervals);
    if (options.replica) text = prometheusReplicaConfig(text, options.replica);
    const what = options.replica
      ? 'an HA replica (scripts/stack/prometheus-ha-config.ts)'
      : 'only global intervals differ';
    writeFileSync(
      config,
      `# RENDERED by scripts/stack from monitoring/prometheus/prometheus.yml: ${what}.\n${text}`,
    );
  } else {
    link(join(shipped, 'prometheus.yml'), config);
  }
  const rules = join(dir, 'rules');
  if (options.intervals.ruleForDivisor) {
    if (isSymlink(rules)) rmSync(rules);
    mkdirSync(rules, { recursive: true });
    for (const file of readdirSync(join(shipped, 'rules')).filter((f) => f.endsWith('.yml'))) {
      const source = readFileSync(join(shipped, 'rules', file), 'utf8');
      writeFileSync(
        join(rules, file),
        `# RENDERED by scripts/stack for an end-to-end test: every for: divided by ${options.intervals.ruleForDivisor}.\n${withShorterFor(source, options.intervals.ruleForDivisor)}`,
      );
    }
  } else {
    link(join(shipped, 'rules'), rules);
  }
  link(options.tlsDir, join(dir, 'tls'));
  const targets: Record<string, readonly number[]> = Object.fromEntries(
    Object.entries(prometheusTargets(options.ports, options.cadvisor, options.apiMetricsScraped ?? true)).map(
      ([job, port]) => [job, port === null ? [] : [port]],
    ),
  );
  Object.assign(targets, options.targets);
  for (const [job, ports] of Object.entries(targets)) {
    const list = ports.map((p) => `"127.0.0.1:${p}"`).join(', ');
    const body = ports.length === 0 ? '[]\n' : `- targets: [${list}]\n`;
    writeFileSync(join(dir, 'targets', `${job}.yml`), `# written by scripts/stack (native stack)\n${body}`);
  }
  writeFileSync(
    join(dir, 'targets', 'api-liveness.yml'),
    `# written by scripts/stack (native stack)\n${apiLivenessTargets(options.ports)}`,
  );
  const secret = (name: string, value: string) =>
    writeFileSync(join(dir, 'secrets', name), value, { mode: 0o600 });
  // The same credentials as the web configs of the stack (copies: Prometheus reads them relative to its config).
  secret('metrics_token', options.secrets.metricsToken);
  for (const name of [
    'prometheus_basic_auth_password',
    'alertmanager_basic_auth_password',
    'exporters_basic_auth_password',
    'otelcol_token',
  ] as const)
    secret(name, options.secrets.read(name));
  return config;
}
