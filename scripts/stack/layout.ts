import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the native stack keeps everything (default `.data/stack`, git-ignored):
 *
 *   state.json               ports, options and the pid of every component started
 *   logs/<component>.log     one log per component (stdout + stderr)
 *   secrets/                 generated once: postgres_password, jwt_secret, metrics_token,
 *                            smtp_password (empty: the local sink has no auth), slack_webhook_url
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
}

/** Generates the stack's secrets once (kept across `down`, removed by `down --purge`). */
export function ensureSecrets(layout: StackLayout, webhookPort: number): StackSecrets {
  mkdirSync(layout.secrets, { recursive: true, mode: 0o700 });
  const random = () => randomBytes(32).toString('base64url');
  const file = (name: string) => join(layout.secrets, name);
  const postgresPassword = ensureSecret(file('postgres_password'), random);
  ensureSecret(file('jwt_secret'), random);
  const metricsToken = ensureSecret(file('metrics_token'), random);
  // The password the local SMTP sink expects (tests change the file to make delivery fail).
  ensureSecret(file('smtp_password'), random);
  // The Slack webhook is the local receiver: its URL follows the port, so it is rewritten each time.
  writeFileSync(file('slack_webhook_url'), `http://127.0.0.1:${webhookPort}/services/mytelevision/alerts`, {
    mode: 0o600,
  });
  writeFileSync(file('heartbeat_url'), `http://127.0.0.1:${webhookPort}/heartbeat`, { mode: 0o600 });
  return {
    postgresPassword,
    jwtSecretFile: file('jwt_secret'),
    metricsToken,
    metricsTokenFile: file('metrics_token'),
    smtpPasswordFile: file('smtp_password'),
    slackWebhookUrlFile: file('slack_webhook_url'),
    heartbeatUrlFile: file('heartbeat_url'),
  };
}
