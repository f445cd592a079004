import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureSecrets, type CredentialFile, type StackLayout, type StackSecrets } from './layout.ts';
import type { HaPorts, StackPorts } from './ports.ts';
import {
  createDatabase,
  createReadOnlyRoles,
  initPostgres,
  installServerTls,
  postgresCommand,
  postgresReady,
  type PostgresCluster,
} from './postgres.ts';
import { preparePrometheusRunDir, type PrometheusIntervals } from './prometheus-run-dir.ts';
import type { PrometheusReplicaSettings } from './prometheus-ha-config.ts';
import { httpOk, redisPing, smtpGreeting, tcpProbe } from './probes.ts';
import { cacheDir, goToolPath, prometheusUiDir, version } from '../lib/versions.ts';
import { ensureTls, type StackTls } from './tls.ts';
import { renderWebConfigs } from './web-config.ts';

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
  /** Renderer variables for Alertmanager (tests: ALERTMANAGER_GROUP_WAIT etc., a failing SMTP). */
  readonly alertmanagerEnv?: Readonly<Record<string, string>>;
  /** fsync off etc. for throw-away stacks (tests); the developer stack keeps PostgreSQL durable. */
  readonly fastDurability?: boolean;
  /** The HA profile (`up --ha`, scripts/stack/ha.ts): replicas and Thanos on these extra ports. */
  readonly ha?: HaOptions;
}

export interface HaOptions {
  readonly ports: HaPorts;
  /** Thanos Store Gateway's bucket sync interval (default 1m; tests shorten it). */
  readonly storeSyncInterval?: string;
  /** Thanos Receive's local block length before upload to the bucket (default 2h; tests shorten it). */
  readonly receiveBlockDuration?: string;
}

/** How a client authenticates to an endpoint: file paths only, never the secret itself. */
export type EndpointCredentials =
  | { readonly type: 'basic'; readonly username: string; readonly passwordFile: string }
  | { readonly type: 'bearer'; readonly tokenFile: string }
  /** Redis ACL user / PostgreSQL role with a password. */
  | { readonly type: 'password'; readonly username: string; readonly passwordFile: string }
  /** Mutual TLS: a client certificate signed by the stack's CA (the HA profile's Thanos gRPC and remote write). */
  | { readonly type: 'client-certificate'; readonly certFile: string; readonly keyFile: string }
  | { readonly type: 'none'; readonly reason: string };

/** One address a component serves (`status --json`). */
export interface Endpoint {
  /** Stable key within the component: web, metrics, otlp-grpc, otlp-http, health, smtp, webhook… */
  readonly name: string;
  readonly url: string;
  /** true: TLS with the stack's CA (ca.crt) only. */
  readonly tls: boolean;
  readonly credentials: EndpointCredentials;
}

export interface Component {
  readonly name: string;
  /** The URL printed by `up` (what a human opens), if any. */
  readonly url?: string;
  /** Every address it serves, with what a client needs to reach it. */
  readonly endpoints: readonly Endpoint[];
  /** Creates files it needs; may render configs. Runs before every start. */
  prepare?(): void;
  command(): { command: string; args: string[]; env?: Record<string, string>; cwd?: string };
  ready(): Promise<boolean>;
  /** Runs once it is ready (e.g. create the database). */
  afterReady?(): void;
  readonly stopSignal?: NodeJS.Signals;
  /** How long a clean stop may take before SIGKILL (default 15 s). */
  readonly stopGraceMs?: number;
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

const local = (port: number, path = '') => `https://127.0.0.1:${port}${path}`;

/** User `prometheus` of every basic-auth web config (Prometheus, Alertmanager, exporters). */
export const BASIC_AUTH_USER = 'prometheus';
export const REDIS_API_USER = 'mytelevision-api';
export const REDIS_READONLY_USER = 'readonly';

/** What every component factory shares: one stack's options, layout, secrets, certificates and clients' settings. */
export interface ComponentContext {
  readonly options: StackOptions;
  readonly layout: StackLayout;
  readonly secrets: StackSecrets;
  readonly tls: StackTls;
  readonly cadvisor: boolean;
}

export function componentContext(options: StackOptions, layout: StackLayout): ComponentContext {
  const secrets = ensureSecrets(layout, options.ports.webhook);
  const tls: StackTls = ensureTls(options.root, layout);
  renderWebConfigs(options.root, layout, secrets);
  return { options, layout, secrets, tls, cadvisor: cadvisorBinary(options.root) !== undefined };
}

/** Helpers of the factories below, derived from the context. */
function helpers(context: ComponentContext) {
  const { layout, secrets, tls } = context;
  const basic = (secret: CredentialFile): EndpointCredentials => ({
    type: 'basic',
    username: BASIC_AUTH_USER,
    passwordFile: secrets.file(secret),
  });
  return {
    web: (name: string) => join(layout.web, name),
    ca: () => readFileSync(tls.caFile),
    basic,
    /** What every exporter's web config wants (one shared password file). */
    exporterCredentials: basic('exporters_basic_auth_password'),
    basicAuth: (secret: CredentialFile) => ({ user: BASIC_AUTH_USER, password: secrets.read(secret) }),
    // verify-full: TLS, and the server's certificate must be the CA's for 127.0.0.1.
    pgTls: `sslmode=verify-full&sslrootcert=${encodeURIComponent(tls.caFile)}`,
  };
}

/** PostgreSQL's cluster of the stack: its directory, owner and password. */
function postgresCluster(context: ComponentContext): PostgresCluster {
  return { dir: context.layout.postgres, user: DATABASE_USER, password: context.secrets.postgresPassword };
}

/**
 * The single stack, as a table in start order (stack.ts groups them into start phases): one small
 * factory per component. The HA profile (ha.ts) adds replicas through the same factories.
 */
export function stackComponents(context: ComponentContext): Component[] {
  const { ports, root } = context.options;
  const { layout } = context;
  const cadvisor = cadvisorBinary(root);
  return [
    postgresComponent(context),
    redisComponent(context),
    nodeExporterComponent(context),
    postgresExporterComponent(context),
    redisExporterComponent(context),
    blackboxExporterComponent(context),
    ...(cadvisor ? [cadvisorComponent(context, cadvisor)] : []),
    collectorComponent(context),
    notificationSinksComponent(context),
    alertmanagerComponent(context, {
      name: 'alertmanager',
      port: ports.alertmanager,
      dir: layout.alertmanager,
    }),
    apiComponent(context, { name: 'api', port: ports.api }),
    prometheusComponent(context, { name: 'prometheus', port: ports.prometheus, dir: layout.prometheus }),
  ];
}

/** PostgreSQL over TLS only, with the read-only roles of Grafana and the exporter. */
function postgresComponent(context: ComponentContext): Component {
  const { options, layout, secrets, tls } = context;
  const { ports, root } = options;
  const cluster = postgresCluster(context);
  return {
    name: 'postgres',
    endpoints: [
      {
        name: 'sql',
        url: `postgres://${DATABASE_USER}@127.0.0.1:${ports.postgres}/${DATABASE}?sslmode=verify-full`,
        tls: true,
        credentials: {
          type: 'password',
          username: DATABASE_USER,
          passwordFile: join(layout.secrets, 'postgres_password'),
        },
      },
      {
        name: 'sql-readonly',
        url: `postgres://mytelevision_readonly@127.0.0.1:${ports.postgres}/${DATABASE}?sslmode=verify-full`,
        tls: true,
        credentials: {
          type: 'password',
          username: 'mytelevision_readonly',
          passwordFile: secrets.file('postgres_readonly_password'),
        },
      },
    ],
    prepare: () => {
      initPostgres(cluster);
      installServerTls(cluster, tls, join(root, 'monitoring', 'postgres', 'pg_hba.conf'));
    },
    command: () => {
      const [command, args] = postgresCommand(cluster, {
        port: ports.postgres,
        unsafeFast: options.fastDurability,
        maxConnections: 100,
        tls: true,
      });
      return { command, args, cwd: '/' };
    },
    ready: () => Promise.resolve(postgresReady(ports.postgres)),
    afterReady: () => {
      createDatabase(cluster, ports.postgres, DATABASE, tls.caFile);
      createReadOnlyRoles(
        cluster,
        ports.postgres,
        DATABASE,
        tls.caFile,
        join(root, 'monitoring', 'postgres', 'roles.sql'),
        {
          POSTGRES_READONLY_PASSWORD_FILE: secrets.file('postgres_readonly_password'),
          POSTGRES_EXPORTER_PASSWORD_FILE: secrets.file('postgres_exporter_password'),
        },
      );
    },
    // Fast shutdown: rolls back open transactions, then a clean checkpoint.
    stopSignal: 'SIGINT',
  };
}

/** Redis with ACL users only (the default user is off). */
function redisComponent(context: ComponentContext): Component {
  const { layout, secrets } = context;
  const { ports } = context.options;
  const { web } = helpers(context);
  return {
    name: 'redis',
    endpoints: [
      {
        name: 'redis',
        url: `redis://${REDIS_API_USER}@127.0.0.1:${ports.redis}`,
        tls: false,
        credentials: {
          type: 'password',
          username: REDIS_API_USER,
          passwordFile: secrets.file('redis_api_password'),
        },
      },
      {
        name: 'redis-readonly',
        url: `redis://${REDIS_READONLY_USER}@127.0.0.1:${ports.redis}`,
        tls: false,
        credentials: {
          type: 'password',
          username: REDIS_READONLY_USER,
          passwordFile: secrets.file('redis_readonly_password'),
        },
      },
    ],
    prepare: () => mkdirSync(layout.redis, { recursive: true }),
    // Redis's default snapshot rules; users from the rendered ACL file (the default user is off).
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
        '--aclfile',
        web('redis-users.acl'),
      ],
    }),
    ready: () => redisPing(ports.redis, REDIS_READONLY_USER, secrets.read('redis_readonly_password')),
  };
}

/** node_exporter at the compose version, behind the exporters' web config. */
function nodeExporterComponent(context: ComponentContext): Component {
  const { ports, root } = context.options;
  const { web, ca, basicAuth, exporterCredentials } = helpers(context);
  return {
    name: 'node-exporter',
    endpoints: [
      {
        name: 'metrics',
        url: local(ports.nodeExporter, '/metrics'),
        tls: true,
        credentials: exporterCredentials,
      },
    ],
    command: () => ({
      command: goToolPath(root, 'node_exporter'),
      args: [
        `--web.listen-address=127.0.0.1:${ports.nodeExporter}`,
        `--web.config.file=${web('exporters.yml')}`,
        // As in compose: pseudo and container filesystems are not the host's disks.
        '--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)',
      ],
    }),
    ready: () =>
      httpOk(local(ports.nodeExporter, '/metrics'), {
        ca: ca(),
        basicAuth: basicAuth('exporters_basic_auth_password'),
      }),
  };
}

/** postgres_exporter at the compose version, as the pg_monitor role over TLS. */
function postgresExporterComponent(context: ComponentContext): Component {
  const { secrets, tls } = context;
  const { ports, root } = context.options;
  const { web, ca, basicAuth, exporterCredentials } = helpers(context);
  return {
    name: 'postgres-exporter',
    endpoints: [
      {
        name: 'metrics',
        url: local(ports.postgresExporter, '/metrics'),
        tls: true,
        credentials: exporterCredentials,
      },
    ],
    // The same variables as compose (DATA_SOURCE_URI/USER/PASS_FILE), with the native address:
    // the pg_monitor role over TLS, not the application's owner.
    command: () => ({
      command: goToolPath(root, 'postgres_exporter'),
      args: [
        `--web.listen-address=127.0.0.1:${ports.postgresExporter}`,
        `--web.config.file=${web('exporters.yml')}`,
      ],
      env: {
        DATA_SOURCE_URI: `127.0.0.1:${ports.postgres}/${DATABASE}?sslmode=verify-full&sslrootcert=${tls.caFile}`,
        DATA_SOURCE_USER: 'postgres_exporter',
        DATA_SOURCE_PASS_FILE: secrets.file('postgres_exporter_password'),
      },
    }),
    ready: () =>
      httpOk(local(ports.postgresExporter, '/metrics'), {
        ca: ca(),
        basicAuth: basicAuth('exporters_basic_auth_password'),
      }),
  };
}

/** Debian's redis_exporter (the Go module proxy does not serve it), as the read-only ACL user. */
function redisExporterComponent(context: ComponentContext): Component {
  const { secrets, tls } = context;
  const { ports } = context.options;
  const { ca } = helpers(context);
  return {
    name: 'redis-exporter',
    endpoints: [
      {
        name: 'metrics',
        url: local(ports.redisExporter, '/metrics'),
        tls: true,
        // Debian's redis-exporter (1.45) has TLS flags but no authentication option.
        credentials: { type: 'none', reason: 'redis_exporter 1.45 (Debian) has no authentication option' },
      },
    ],
    // Debian's package: the Go module proxy does not serve redis_exporter (README "Versions").
    // The read-only ACL user; REDIS_USER/REDIS_PASSWORD as in compose.
    command: () => ({
      command: 'prometheus-redis-exporter',
      args: [
        '-redis.addr',
        `redis://127.0.0.1:${ports.redis}`,
        '-web.listen-address',
        `127.0.0.1:${ports.redisExporter}`,
        '-tls-server-cert-file',
        tls.certFile,
        '-tls-server-key-file',
        tls.keyFile,
      ],
      env: { REDIS_USER: REDIS_READONLY_USER, REDIS_PASSWORD: secrets.read('redis_readonly_password') },
    }),
    ready: () => httpOk(local(ports.redisExporter, '/metrics'), { ca: ca() }),
  };
}

/** The blackbox exporter probing the API's liveness (job api-liveness) in both metric modes. */
function blackboxExporterComponent(context: ComponentContext): Component {
  const { layout } = context;
  const { ports, root } = context.options;
  const { web, ca, basicAuth, exporterCredentials } = helpers(context);
  return {
    // API liveness in both metric modes (job api-liveness): compose runs the same config file.
    name: 'blackbox-exporter',
    endpoints: [
      {
        name: 'metrics',
        url: local(ports.blackboxExporter, '/metrics'),
        tls: true,
        credentials: exporterCredentials,
      },
    ],
    command: () => ({
      command: 'prometheus-blackbox-exporter',
      args: [
        `--config.file=${join(root, 'monitoring', 'blackbox', 'blackbox.yml')}`,
        `--web.listen-address=127.0.0.1:${ports.blackboxExporter}`,
        `--web.config.file=${web('exporters.yml')}`,
      ],
      // blackbox.yml's module verifies the API's certificate with tls/ca.crt, relative to here.
      cwd: dirname(layout.tls),
    }),
    ready: () =>
      httpOk(local(ports.blackboxExporter, '/-/healthy'), {
        ca: ca(),
        basicAuth: basicAuth('exporters_basic_auth_password'),
      }),
  };
}

/** The built Collector: config.yaml as compose runs it, plus the trace-file overlay. */
function collectorComponent(context: ComponentContext): Component {
  const { options, layout, secrets, tls } = context;
  const { ports, root } = options;
  const { ca } = helpers(context);
  return {
    name: 'otel-collector',
    url: local(ports.collectorPrometheus, '/metrics'),
    endpoints: [
      {
        name: 'otlp-grpc',
        url: local(ports.otlpGrpc),
        tls: true,
        credentials: { type: 'bearer', tokenFile: secrets.file('otelcol_token') },
      },
      {
        name: 'otlp-http',
        url: local(ports.otlpHttp),
        tls: true,
        credentials: { type: 'bearer', tokenFile: secrets.file('otelcol_token') },
      },
      {
        name: 'metrics',
        url: local(ports.collectorPrometheus, '/metrics'),
        tls: true,
        credentials: { type: 'bearer', tokenFile: secrets.file('otelcol_token') },
      },
      {
        name: 'internal-metrics',
        url: `http://127.0.0.1:${ports.collectorMetrics}/metrics`,
        tls: false,
        credentials: {
          type: 'none',
          reason:
            "the Collector's own-telemetry pull reader has no TLS or authentication option (loopback only)",
        },
      },
      {
        name: 'health',
        url: local(ports.collectorHealth, '/'),
        tls: true,
        credentials: { type: 'none', reason: 'health only' },
      },
    ],
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
        OTELCOL_TLS_CERT_FILE: tls.certFile,
        OTELCOL_TLS_KEY_FILE: tls.keyFile,
        OTELCOL_AUTH_TOKEN_FILE: secrets.file('otelcol_token'),
        OTELCOL_TRACES_FILE: layout.tracesFile,
        ...options.collectorEnv,
      },
    }),
    ready: () => httpOk(local(ports.collectorHealth, '/'), { ca: ca() }),
  };
}

/** The local SMTP server and Slack-compatible webhook that stand in for e-mail and Slack. */
function notificationSinksComponent(context: ComponentContext): Component {
  const { layout, secrets, tls } = context;
  const { ports, root } = context.options;
  const node = process.execPath;
  return {
    name: 'notification-sinks',
    url: `smtp://127.0.0.1:${ports.smtp} (STARTTLS) + ${local(ports.webhook)} → ${layout.notifications}`,
    endpoints: [
      {
        name: 'smtp',
        url: `smtp://127.0.0.1:${ports.smtp}`,
        tls: true,
        // STARTTLS required, then AUTH as Alertmanager does (user `alertmanager`).
        credentials: { type: 'password', username: 'alertmanager', passwordFile: secrets.smtpPasswordFile },
      },
      {
        name: 'webhook',
        url: local(ports.webhook),
        tls: true,
        credentials: {
          type: 'none',
          reason: 'local Slack-compatible receiver (the URL is the secret, as with Slack)',
        },
      },
    ],
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
        '--smtp-password-file',
        secrets.smtpPasswordFile,
        '--tls-cert',
        tls.certFile,
        '--tls-key',
        tls.keyFile,
      ],
      cwd: root,
    }),
    ready: async () => (await smtpGreeting(ports.smtp)) && (await tcpProbe(ports.webhook)),
  };
}

/** cAdvisor, when it could be built on this host (scripts/stack/cadvisor.sh). */
function cadvisorComponent(context: ComponentContext, cadvisor: string): Component {
  const { ports } = context.options;
  return {
    name: 'cadvisor',
    url: `http://127.0.0.1:${ports.cadvisor}`,
    endpoints: [
      {
        name: 'metrics',
        url: `http://127.0.0.1:${ports.cadvisor}/metrics`,
        tls: false,
        credentials: { type: 'none', reason: 'cAdvisor serves no TLS' },
      },
    ],
    command: () => ({
      command: cadvisor,
      args: [`-listen_ip=127.0.0.1`, `-port=${ports.cadvisor}`, '-logtostderr', '-docker_only=false'],
    }),
    ready: () => httpOk(`http://127.0.0.1:${ports.cadvisor}/healthz`),
  };
}

export interface AlertmanagerInstance {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  /** A cluster node: its gossip port and its peers' (every node lists the others). */
  readonly cluster?: { readonly port: number; readonly peers: readonly number[] };
}

/** One Alertmanager: the single stack's, or one node of the HA profile's cluster. */
export function alertmanagerComponent(context: ComponentContext, instance: AlertmanagerInstance): Component {
  const { options, tls } = context;
  const { web, ca, basic, basicAuth } = helpers(context);
  const { cluster } = instance;
  return {
    name: instance.name,
    url: local(instance.port),
    endpoints: [
      {
        name: 'web',
        url: local(instance.port),
        tls: true,
        credentials: basic('alertmanager_basic_auth_password'),
      },
    ],
    prepare: () => {
      mkdirSync(join(instance.dir, 'data'), { recursive: true });
      renderAlertmanagerConfig(options, instance.dir, context.secrets, context.tls.caFile);
    },
    command: () => ({
      command: goToolPath(options.root, 'alertmanager'),
      args: [
        `--config.file=${join(instance.dir, 'config', 'alertmanager.yml')}`,
        `--storage.path=${join(instance.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${instance.port}`,
        `--web.external-url=${local(instance.port)}`,
        `--web.config.file=${web('alertmanager.yml')}`,
        // Gossip over mutual TLS (the HA profile's cluster); single instance: no gossip port (as in compose).
        `--cluster.tls-config=${web('alertmanager-cluster.yml')}`,
        ...(cluster
          ? [
              `--cluster.listen-address=127.0.0.1:${cluster.port}`,
              `--cluster.advertise-address=127.0.0.1:${cluster.port}`,
              ...cluster.peers.map((p) => `--cluster.peer=127.0.0.1:${p}`),
            ]
          : ['--cluster.listen-address=']),
      ],
      // Its notifications (SMTP STARTTLS, Slack webhook) verify the local sinks' certificate: Go
      // reads extra roots from SSL_CERT_FILE (the system's certificate directory still applies).
      env: { SSL_CERT_FILE: tls.caFile },
    }),
    ready: () =>
      httpOk(local(instance.port, '/-/ready'), {
        ca: ca(),
        basicAuth: basicAuth('alertmanager_basic_auth_password'),
      }),
  };
}

export interface ApiInstance {
  readonly name: string;
  readonly port: number;
}

/** One API process; every instance shares PostgreSQL, Redis and the Collector. */
export function apiComponent(context: ComponentContext, instance: ApiInstance): Component {
  const { options, layout, secrets, tls } = context;
  const { ports } = options;
  const { ca, pgTls } = helpers(context);
  return {
    name: instance.name,
    url: local(instance.port),
    endpoints: [
      {
        name: 'web',
        url: local(instance.port),
        tls: true,
        credentials: { type: 'none', reason: 'public routes; others want a JWT from /api/v1/auth/login' },
      },
      {
        name: 'metrics',
        url: local(instance.port, '/metrics'),
        tls: true,
        credentials: { type: 'bearer', tokenFile: secrets.metricsTokenFile },
      },
    ],
    command: () => ({
      command: process.execPath,
      args: ['--require', './dist/tracing.js', 'dist/main.js'],
      cwd: options.root,
      env: {
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: String(instance.port),
        TLS_CERT_FILE: tls.certFile,
        TLS_KEY_FILE: tls.keyFile,
        DATABASE_URL: `postgres://${DATABASE_USER}@127.0.0.1:${ports.postgres}/${DATABASE}?${pgTls}`,
        DATABASE_PASSWORD_FILE: join(layout.secrets, 'postgres_password'),
        REDIS_URL: `redis://${REDIS_API_USER}@127.0.0.1:${ports.redis}`,
        REDIS_PASSWORD_FILE: secrets.file('redis_api_password'),
        JWT_SECRET_FILE: secrets.jwtSecretFile,
        METRICS_TOKEN_FILE: secrets.metricsTokenFile,
        // Production mode requires a named gateway; the developer stack deliberately takes no money
        // (the API logs a warning at start saying so).
        PAYMENT_GATEWAY: 'sandbox',
        OTEL_EXPORTER_OTLP_ENDPOINT: local(ports.otlpHttp),
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        // The Collector's certificate is the stack CA's: the standard OTLP variable (gRPC exporter)
        // and Node's extra CA file (the HTTP exporter uses Node's default trust store).
        OTEL_EXPORTER_OTLP_CERTIFICATE: tls.caFile,
        NODE_EXTRA_CA_CERTS: tls.caFile,
        // The Collector's bearer token, read from the file by the preload (never in the environment).
        OTLP_TOKEN_FILE: secrets.file('otelcol_token'),
        DEPLOYMENT_ENVIRONMENT: 'native-stack',
        ...options.apiEnv,
      },
    }),
    ready: () => httpOk(local(instance.port, '/health/ready'), { ca: ca() }),
  };
}

export interface PrometheusInstance {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  /** Jobs whose targets differ from the single stack's (HA: every replica of a component). */
  readonly targets?: Readonly<Record<string, readonly number[]>>;
  /** An HA replica: external label, alert relabelling and remote write (prometheus-ha-config.ts). */
  readonly replica?: PrometheusReplicaSettings;
}

/** One Prometheus: the single stack's, or one replica of the HA profile. */
export function prometheusComponent(context: ComponentContext, instance: PrometheusInstance): Component {
  const { options, layout, secrets } = context;
  const { web, ca, basic, basicAuth } = helpers(context);
  return {
    name: instance.name,
    url: local(instance.port),
    endpoints: [
      {
        name: 'web',
        url: local(instance.port),
        tls: true,
        credentials: basic('prometheus_basic_auth_password'),
      },
    ],
    prepare: () => {
      preparePrometheusRunDir({
        root: options.root,
        dir: instance.dir,
        ports: options.ports,
        cadvisor: context.cadvisor,
        secrets,
        tlsDir: layout.tls,
        intervals: options.prometheus ?? {},
        targets: instance.targets,
        replica: instance.replica,
        apiMetricsScraped: options.apiEnv?.OTEL_METRICS_EXPORTER !== 'otlp',
      });
    },
    command: () => ({
      command: goToolPath(options.root, 'prometheus'),
      // The UI bundle is served from ./static of a directory named `ui` (no builtinassets build).
      cwd: prometheusUiDir(options.root),
      args: [
        `--config.file=${join(instance.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(instance.dir, 'data')}`,
        '--storage.tsdb.retention.time=30d',
        `--web.listen-address=127.0.0.1:${instance.port}`,
        `--web.external-url=${local(instance.port)}`,
        `--web.config.file=${web('prometheus.yml')}`,
      ],
      // The bases of the alerts' absolute runbook and dashboard links (external labels).
      env: { RUNBOOK_BASE_URL: runbookBaseUrl(), GRAFANA_ROOT_URL: grafanaRootUrl() },
    }),
    ready: () =>
      httpOk(local(instance.port, '/-/ready'), {
        ca: ca(),
        basicAuth: basicAuth('prometheus_basic_auth_password'),
      }),
    // With its remote_write target down, Prometheus takes about 60 s to exit cleanly.
    stopGraceMs: instance.replica ? 90_000 : undefined,
  };
}

const runbookBaseUrl = () =>
  process.env.RUNBOOK_BASE_URL || 'https://github.com/mytelevision/observability/blob/main';
const grafanaRootUrl = () => process.env.GRAFANA_ROOT_URL || 'https://localhost:3001';

/** alertmanager.yml rendered for the native stack: SMTP, Slack and the heartbeat go to the local sinks. */
function renderAlertmanagerConfig(
  options: StackOptions,
  dir: string,
  secrets: StackSecrets,
  caFile: string,
): void {
  const team = (name: string) => `${name}@mytelevision.local`;
  const env: Record<string, string> = {
    ...baseEnv(),
    SMTP_HOST: `127.0.0.1:${options.ports.smtp}`,
    SMTP_FROM: 'alertmanager@mytelevision.local',
    // The local mail catcher requires STARTTLS (the stack's certificate, trusted through
    // SSL_CERT_FILE) and AUTH with this user and the password file.
    SMTP_REQUIRE_TLS: 'true',
    SMTP_USER: 'alertmanager',
    SMTP_PASSWORD_FILE: secrets.smtpPasswordFile,
    SLACK_WEBHOOK_URL_FILE: secrets.slackWebhookUrlFile,
    ALERT_EMAIL_CRITICAL: team('critical-alerts'),
    ALERT_EMAIL_WARNING: team('warning-alerts'),
    ALERT_EMAIL_DATABASE: team('database-team'),
    ALERT_EMAIL_SECURITY: team('security-team'),
    ALERT_EMAIL_PAYMENTS: team('payments-team'),
    ALERT_EMAIL_DEFAULT: team('default'),
    HEARTBEAT_URL_FILE: secrets.heartbeatUrlFile,
    RUNBOOK_BASE_URL: runbookBaseUrl(),
    GRAFANA_ROOT_URL: grafanaRootUrl(),
    PROMETHEUS_EXTERNAL_URL: local(options.ports.prometheus),
    // The Slack and heartbeat webhooks are the local HTTPS sink: verified against the stack's CA.
    ALERTMANAGER_HTTP_CA_FILE: caFile,
    ...options.alertmanagerEnv,
  };
  execFileSync(
    process.execPath,
    [
      '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
      join(options.root, 'scripts', 'render-alertmanager-config.ts'),
      '--out-dir',
      join(dir, 'config'),
    ],
    {
      env,
      stdio: 'pipe',
    },
  );
}

export { baseEnv };
