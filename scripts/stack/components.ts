import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureSecrets, type StackLayout } from './layout.ts';
import type { StackPorts } from './ports.ts';
import {
  createDatabase,
  initPostgres,
  postgresCommand,
  postgresReady,
  type PostgresCluster,
} from './postgres.ts';
import { preparePrometheusRunDir, type PrometheusIntervals } from './prometheus-run-dir.ts';
import { httpOk, redisPing, smtpGreeting, tcpProbe } from './probes.ts';
import { cacheDir, goToolPath, prometheusUiDir, version } from '../lib/versions.ts';

/**
 * Every process of the native stack: how to prepare its files, start it, and tell it is ready.
 * Configs are the repository's own files (compose uses the same), with addresses and secret paths
 * given by flags, environment, file-based service discovery or rendering.
 */

export interface StackOptions {
  /** The repository checkout. */
  readonly root: string;
  readonly dataDir: string;
  readonly ports: StackPorts;
  /** Other global intervals for Prometheus (tests): a rendered copy of prometheus.yml. */
  readonly prometheus?: PrometheusIntervals;
  /** Extra environment of the API (e.g. OTEL_METRICS_EXPORTER=otlp) and of the Collector. */
  readonly apiEnv?: Readonly<Record<string, string>>;
  readonly collectorEnv?: Readonly<Record<string, string>>;
  /** fsync off etc. for throw-away stacks (tests); the developer stack keeps PostgreSQL durable. */
  readonly fastDurability?: boolean;
}

export interface Component {
  readonly name: string;
  /** The URL printed by `up` (what a human opens), if any. */
  readonly url?: string;
  /** Creates files it needs; may render configs. Runs before every start. */
  prepare?(): void;
  command(): { command: string; args: string[]; env?: Record<string, string>; cwd?: string };
  ready(): Promise<boolean>;
  /** Runs once it is ready (e.g. create the database). */
  afterReady?(): void;
  readonly stopSignal?: NodeJS.Signals;
}

export const DATABASE = 'mytelevision';
export const DATABASE_USER = 'mytelevision';
/**
 * The cAdvisor binary scripts/stack/cadvisor.sh builds at versions.env's CADVISOR_VERSION (the
 * compose image's release), when it could be built on this host.
 */
export function cadvisorBinary(root: string): string | undefined {
  const release = `v${version(root, 'CADVISOR_VERSION')}`;
  const path = join(cacheDir(), 'go-tools', `cadvisor-${release}`, 'cadvisor');
  return existsSync(path) ? path : undefined;
}

export function collectorBinary(root: string): string {
  const path = execFileSync(join(root, 'scripts', 'collector.sh'), ['path', '--no-build'], {
    encoding: 'utf8',
  }).trim();
  if (!existsSync(path))
    throw new Error(
      `the Collector is not built (${path}): run scripts/collector.sh build (npm run stack does it)`,
    );
  return path;
}

/** The environment every daemon gets: a minimal, explicit one (no secrets of the caller leak in). */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? '/root',
    LANG: 'C.UTF-8',
  };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

const local = (port: number, path = '') => `http://127.0.0.1:${port}${path}`;

export function stackComponents(options: StackOptions, layout: StackLayout): Component[] {
  const { ports, root } = options;
  const secrets = ensureSecrets(layout, ports.webhook);
  const cluster: PostgresCluster = {
    dir: layout.postgres,
    user: DATABASE_USER,
    password: secrets.postgresPassword,
  };
  const databaseUrl = `postgres://${DATABASE_USER}:${encodeURIComponent(secrets.postgresPassword)}@127.0.0.1:${ports.postgres}/${DATABASE}`;
  const cadvisor = cadvisorBinary(root);
  const node = process.execPath;

  const components: Component[] = [
    {
      name: 'postgres',
      prepare: () => initPostgres(cluster),
      command: () => {
        const [command, args] = postgresCommand(cluster, {
          port: ports.postgres,
          unsafeFast: options.fastDurability,
          maxConnections: 100,
        });
        return { command, args, cwd: '/' };
      },
      ready: () => Promise.resolve(postgresReady(ports.postgres)),
      afterReady: () => createDatabase(cluster, ports.postgres, DATABASE),
      // Fast shutdown: rolls back open transactions, then a clean checkpoint.
      stopSignal: 'SIGINT',
    },
    {
      name: 'redis',
      prepare: () => mkdirSync(layout.redis, { recursive: true }),
      // Redis's default snapshot rules; no config file.
      command: () => ({
        command: 'redis-server',
        args: [
          '--bind',
          '127.0.0.1',
          '--port',
          String(ports.redis),
          '--dir',
          layout.redis,
          '--daemonize',
          'no',
          '--protected-mode',
          'yes',
        ],
      }),
      ready: () => redisPing(ports.redis),
    },
    {
      name: 'node-exporter',
      command: () => ({
        command: goToolPath(root, 'node_exporter'),
        args: [
          `--web.listen-address=127.0.0.1:${ports.nodeExporter}`,
          // As in compose: pseudo and container filesystems are not the host's disks.
          '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)',
        ],
      }),
      ready: () => httpOk(local(ports.nodeExporter, '/metrics')),
    },
    {
      name: 'postgres-exporter',
      // The same variables as compose (DATA_SOURCE_URI/USER/PASS_FILE), with the native address.
      command: () => ({
        command: goToolPath(root, 'postgres_exporter'),
        args: [`--web.listen-address=127.0.0.1:${ports.postgresExporter}`],
        env: {
          DATA_SOURCE_URI: `127.0.0.1:${ports.postgres}/${DATABASE}?sslmode=disable`,
          DATA_SOURCE_USER: DATABASE_USER,
          DATA_SOURCE_PASS_FILE: join(layout.secrets, 'postgres_password'),
        },
      }),
      ready: () => httpOk(local(ports.postgresExporter, '/metrics')),
    },
    {
      name: 'redis-exporter',
      // Debian's package: the Go module proxy does not serve redis_exporter (README "Versions").
      command: () => ({
        command: 'prometheus-redis-exporter',
        args: [
          '-redis.addr',
          `redis://127.0.0.1:${ports.redis}`,
          '-web.listen-address',
          `127.0.0.1:${ports.redisExporter}`,
        ],
      }),
      ready: () => httpOk(local(ports.redisExporter, '/metrics')),
    },
  ];

  if (cadvisor) {
    components.push({
      name: 'cadvisor',
      url: local(ports.cadvisor),
      command: () => ({
        command: cadvisor,
        args: [`-listen_ip=127.0.0.1`, `-port=${ports.cadvisor}`, '-logtostderr', '-docker_only=false'],
      }),
      ready: () => httpOk(local(ports.cadvisor, '/healthz')),
    });
  }

  components.push(
    {
      name: 'otel-collector',
      url: local(ports.collectorPrometheus, '/metrics'),
      prepare: () => mkdirSync(layout.collector, { recursive: true }),
      command: () => ({
        command: collectorBinary(root),
        // config.yaml as compose runs it, plus the trace-file overlay (spans readable locally).
        args: [
          '--config',
          join(root, 'otel-collector', 'config.yaml'),
          '--config',
          join(root, 'otel-collector', 'traces-file.yaml'),
        ],
        cwd: join(root, 'otel-collector'),
        env: {
          OTELCOL_BIND_HOST: '127.0.0.1',
          OTELCOL_OTLP_GRPC_PORT: String(ports.otlpGrpc),
          OTELCOL_OTLP_HTTP_PORT: String(ports.otlpHttp),
          OTELCOL_PROMETHEUS_PORT: String(ports.collectorPrometheus),
          OTELCOL_METRICS_PORT: String(ports.collectorMetrics),
          OTELCOL_HEALTH_PORT: String(ports.collectorHealth),
          OTELCOL_TRACES_FILE: layout.tracesFile,
          ...options.collectorEnv,
        },
      }),
      ready: () => httpOk(local(ports.collectorHealth, '/')),
    },
    {
      name: 'notification-sinks',
      url: `smtp://127.0.0.1:${ports.smtp} + ${local(ports.webhook)} → ${layout.notifications}`,
      command: () => ({
        command: node,
        args: [
          '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
          join(root, 'scripts', 'stack', 'notification-sinks.ts'),
          '--dir',
          layout.notifications,
          '--smtp-port',
          String(ports.smtp),
          '--webhook-port',
          String(ports.webhook),
        ],
        cwd: root,
      }),
      ready: async () => (await smtpGreeting(ports.smtp)) && (await tcpProbe(ports.webhook)),
    },
    {
      name: 'alertmanager',
      url: local(ports.alertmanager),
      prepare: () => {
        mkdirSync(join(layout.alertmanager, 'data'), { recursive: true });
        renderAlertmanagerConfig(options, layout, secrets);
      },
      command: () => ({
        command: goToolPath(root, 'alertmanager'),
        args: [
          `--config.file=${join(layout.alertmanager, 'config', 'alertmanager.yml')}`,
          `--storage.path=${join(layout.alertmanager, 'data')}`,
          `--web.listen-address=127.0.0.1:${ports.alertmanager}`,
          `--web.external-url=${local(ports.alertmanager)}`,
          // Single instance: no gossip port (as in compose).
          '--cluster.listen-address=',
        ],
      }),
      ready: () => httpOk(local(ports.alertmanager, '/-/ready')),
    },
    {
      name: 'api',
      url: local(ports.api),
      command: () => ({
        command: node,
        args: ['--require', './dist/tracing.js', 'dist/main.js'],
        cwd: root,
        env: {
          NODE_ENV: 'production',
          HOST: '127.0.0.1',
          PORT: String(ports.api),
          DATABASE_URL: databaseUrl,
          REDIS_URL: `redis://127.0.0.1:${ports.redis}`,
          JWT_SECRET_FILE: secrets.jwtSecretFile,
          METRICS_TOKEN_FILE: secrets.metricsTokenFile,
          // Production mode requires a named gateway; the developer stack deliberately takes no money
          // (the API logs a warning at start saying so).
          PAYMENT_GATEWAY: 'sandbox',
          OTEL_EXPORTER_OTLP_ENDPOINT: local(ports.otlpHttp),
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
          DEPLOYMENT_ENVIRONMENT: 'native-stack',
          ...options.apiEnv,
        },
      }),
      ready: () => httpOk(local(ports.api, '/health/ready')),
    },
    {
      name: 'prometheus',
      url: local(ports.prometheus),
      prepare: () => {
        preparePrometheusRunDir({
          root,
          dir: layout.prometheus,
          ports,
          cadvisor: cadvisor !== undefined,
          metricsToken: secrets.metricsToken,
          intervals: options.prometheus ?? {},
        });
      },
      command: () => ({
        command: goToolPath(root, 'prometheus'),
        // The UI bundle is served from ./static of a directory named `ui` (no builtinassets build).
        cwd: prometheusUiDir(root),
        args: [
          `--config.file=${join(layout.prometheus, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(layout.prometheus, 'data')}`,
          '--storage.tsdb.retention.time=30d',
          `--web.listen-address=127.0.0.1:${ports.prometheus}`,
          `--web.external-url=${local(ports.prometheus)}`,
        ],
      }),
      ready: () => httpOk(local(ports.prometheus, '/-/ready')),
    },
  );
  return components;
}

/** alertmanager.yml from the shipped template: SMTP and Slack point at the local sinks. */
function renderAlertmanagerConfig(
  options: StackOptions,
  layout: StackLayout,
  secrets: ReturnType<typeof ensureSecrets>,
): void {
  const team = (name: string) => `${name}@mytelevision.local`;
  const env: Record<string, string> = {
    ...baseEnv(),
    SMTP_HOST: `127.0.0.1:${options.ports.smtp}`,
    SMTP_FROM: 'alertmanager@mytelevision.local',
    SMTP_REQUIRE_TLS: 'false',
    SMTP_PASSWORD_FILE: secrets.smtpPasswordFile,
    SLACK_WEBHOOK_URL_FILE: secrets.slackWebhookUrlFile,
    ALERT_EMAIL_CRITICAL: team('critical-alerts'),
    ALERT_EMAIL_WARNING: team('warning-alerts'),
    ALERT_EMAIL_DATABASE: team('database-team'),
    ALERT_EMAIL_SECURITY: team('security-team'),
    ALERT_EMAIL_PAYMENTS: team('payments-team'),
    ALERT_EMAIL_DEFAULT: team('default'),
    RUNBOOK_BASE_URL:
      process.env.RUNBOOK_BASE_URL || 'https://github.com/mytelevision/observability/blob/main',
    PROMETHEUS_EXTERNAL_URL: local(options.ports.prometheus),
  };
  if (process.env.GRAFANA_ROOT_URL) env.GRAFANA_ROOT_URL = process.env.GRAFANA_ROOT_URL;
  execFileSync(
    process.execPath,
    [
      join(options.root, 'scripts', 'render-alertmanager-config.mjs'),
      '--out-dir',
      join(layout.alertmanager, 'config'),
    ],
    {
      env,
      stdio: 'pipe',
    },
  );
}

export { baseEnv };
