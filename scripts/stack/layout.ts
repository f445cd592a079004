import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the native stack keeps everything (default `.data/stack`, git-ignored):
 *
 *   state.json               ports, options and the pid of every component started
 *   logs/<component>.log     one log per component (stdout + stderr)
 *   secrets/                 generated once: postgres_password, jwt_secret, metrics_token,
 *                            smtp_password (the local SMTP sink's AUTH password), slack_webhook_url,
 *                            the basic-auth passwords and the Redis/PostgreSQL read-only passwords
 *                            (CREDENTIAL_FILES below)
 *   tls/                     the private CA and the server certificate (scripts/tls/make-certs.sh)
 *   web/                     web configs rendered from the repository's templates (bcrypt hashes),
 *                            next to links to tls/server.crt|key (the templates name them relatively)
 *   postgres/data            PostgreSQL cluster (owned by the postgres user when run as root)
 *   redis/                   Redis snapshots
 *   prometheus/              run dir: prometheus.yml + rules -> the repository's (symlinks, or a
 *                            rendered copy of prometheus.yml when the intervals are overridden),
 *                            targets/*.yml and secrets/* of its own, data/ (TSDB)
 *   alertmanager/config/     alertmanager.yml + templates/ rendered from monitoring/alertmanager
 *   alertmanager/data/       silences and notification log
 *   collector/traces.jsonl   every span, as OTLP JSON lines (otel-collector/traces-file.yaml)
 *   notifications/email|slack/*.json   what the local mail catcher and Slack receiver received
 */
export interface StackLayout {
  readonly dataDir: string;
  readonly stateFile: string;
  readonly logs: string;
  readonly secrets: string;
  readonly tls: string;
  readonly web: string;
  readonly postgres: string;
  readonly redis: string;
  readonly prometheus: string;
  readonly alertmanager: string;
  readonly collector: string;
  readonly tracesFile: string;
  readonly notifications: string;
}

export function stackLayout(dataDir: string): StackLayout {
  return {
    dataDir,
    stateFile: join(dataDir, 'state.json'),
    logs: join(dataDir, 'logs'),
    secrets: join(dataDir, 'secrets'),
    tls: join(dataDir, 'tls'),
    web: join(dataDir, 'web'),
    postgres: join(dataDir, 'postgres'),
    redis: join(dataDir, 'redis'),
    prometheus: join(dataDir, 'prometheus'),
    alertmanager: join(dataDir, 'alertmanager'),
    collector: join(dataDir, 'collector'),
    tracesFile: join(dataDir, 'collector', 'traces.jsonl'),
    notifications: join(dataDir, 'notifications'),
  };
}

export const logFile = (layout: StackLayout, component: string) => join(layout.logs, `${component}.log`);

/** Writes `content` to `path` (mode 0600) unless it exists; returns the file's content. */
function ensureSecret(path: string, make: () => string): string {
  if (!existsSync(path)) writeFileSync(path, make(), { mode: 0o600 });
  return readFileSync(path, 'utf8');
}

export interface StackSecrets {
  readonly postgresPassword: string;
  readonly jwtSecretFile: string;
  readonly metricsToken: string;
  readonly metricsTokenFile: string;
  readonly smtpPasswordFile: string;
  readonly slackWebhookUrlFile: string;
  /** The Watchdog's heartbeat URL: the local webhook sink (the dead-man's switch stands in for it). */
  readonly heartbeatUrlFile: string;
  /** Path of each credential file (CREDENTIAL_FILES), by its file name. */
  readonly file: (name: CredentialFile) => string;
  readonly read: (name: CredentialFile) => string;
}

/**
 * Passwords generated once beside the others, with the same file names as the compose secrets
 * (monitoring/secrets/README.md): what each endpoint's users authenticate with.
 */
export const CREDENTIAL_FILES = [
  // user `prometheus` of Prometheus's and Alertmanager's web configs.
  'prometheus_basic_auth_password',
  'alertmanager_basic_auth_password',
  // user `prometheus` of the exporters' web config (node, postgres) and of the Collector's endpoints.
  'exporters_basic_auth_password',
  // Redis ACL users: the API's, and the read-only one of redis-exporter and Grafana.
  'redis_api_password',
  'redis_readonly_password',
  // PostgreSQL roles: read-only (Grafana), pg_monitor (postgres-exporter).
  'postgres_readonly_password',
  'postgres_exporter_password',
  // Bearer token of the Collector's OTLP receivers and prometheus exporter (the API sends it with
  // OTLP; Prometheus scrapes with it).
  'otelcol_token',
] as const;
export type CredentialFile = (typeof CREDENTIAL_FILES)[number];

/** Generates the stack's secrets once (kept across `down`, removed by `down --purge`). */
export function ensureSecrets(layout: StackLayout, webhookPort: number): StackSecrets {
  mkdirSync(layout.secrets, { recursive: true, mode: 0o700 });
  const random = () => randomBytes(32).toString('base64url');
  const file = (name: string) => join(layout.secrets, name);
  const postgresPassword = ensureSecret(file('postgres_password'), random);
  ensureSecret(file('jwt_secret'), random);
  const metricsToken = ensureSecret(file('metrics_token'), random);
  // The password the local SMTP sink expects with AUTH (tests change the file to make delivery fail).
  ensureSecret(file('smtp_password'), random);
  for (const name of CREDENTIAL_FILES) ensureSecret(file(name), random);
  // The Slack webhook is the local receiver: its URL follows the port, so it is rewritten each time.
  writeFileSync(file('slack_webhook_url'), `https://127.0.0.1:${webhookPort}/services/mytelevision/alerts`, {
    mode: 0o600,
  });
  writeFileSync(file('heartbeat_url'), `https://127.0.0.1:${webhookPort}/heartbeat`, { mode: 0o600 });
  return {
    postgresPassword,
    jwtSecretFile: file('jwt_secret'),
    metricsToken,
    metricsTokenFile: file('metrics_token'),
    smtpPasswordFile: file('smtp_password'),
    slackWebhookUrlFile: file('slack_webhook_url'),
    heartbeatUrlFile: file('heartbeat_url'),
    file: (name: CredentialFile) => file(name),
    read: (name: CredentialFile) => readFileSync(file(name), 'utf8'),
  };
}
