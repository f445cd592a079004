import type { Values, VariableName } from './variables.ts';

/**
 * The Alertmanager configuration as data, from checked values: one definition per team (its
 * receiver, its route, its e-mail and Slack settings), the Watchdog's heartbeat route, the
 * inhibition of a warning by the critical alert of the same symptom. Written by the `yaml` library.
 */

export interface Team {
  readonly receiver: string;
  /** Route matchers; undefined: the root route's receiver (alerts no route matched). */
  readonly matchers?: readonly string[];
  readonly email: VariableName;
  readonly slack: VariableName;
  /** Critical alerts also reach the team-specific routes below them (PostgreSQL: database-team). */
  readonly continue?: boolean;
  readonly repeatInterval: VariableName;
}

/** In route order: the first matching route wins, unless it continues. */
export const TEAMS: readonly Team[] = [
  {
    receiver: 'critical-alerts',
    matchers: ['severity="critical"'],
    email: 'ALERT_EMAIL_CRITICAL',
    slack: 'SLACK_CHANNEL_CRITICAL',
    continue: true,
    repeatInterval: 'ALERTMANAGER_CRITICAL_REPEAT_INTERVAL',
  },
  {
    receiver: 'database-team',
    matchers: ['team="database"'],
    email: 'ALERT_EMAIL_DATABASE',
    slack: 'SLACK_CHANNEL_DATABASE',
    repeatInterval: 'ALERTMANAGER_REPEAT_INTERVAL',
  },
  {
    receiver: 'security-team',
    matchers: ['severity="security"'],
    email: 'ALERT_EMAIL_SECURITY',
    slack: 'SLACK_CHANNEL_SECURITY',
    repeatInterval: 'ALERTMANAGER_REPEAT_INTERVAL',
  },
  {
    receiver: 'payments-team',
    matchers: ['severity="payments"'],
    email: 'ALERT_EMAIL_PAYMENTS',
    slack: 'SLACK_CHANNEL_PAYMENTS',
    repeatInterval: 'ALERTMANAGER_REPEAT_INTERVAL',
  },
  {
    receiver: 'warning-alerts',
    matchers: ['severity="warning"'],
    email: 'ALERT_EMAIL_WARNING',
    slack: 'SLACK_CHANNEL_WARNING',
    repeatInterval: 'ALERTMANAGER_REPEAT_INTERVAL',
  },
  {
    receiver: 'default',
    email: 'ALERT_EMAIL_DEFAULT',
    slack: 'SLACK_CHANNEL_DEFAULT',
    repeatInterval: 'ALERTMANAGER_REPEAT_INTERVAL',
  },
];

export const HEARTBEAT_RECEIVER = 'heartbeat';

/** Go-template references of the notification templates (monitoring/alertmanager/templates). */
const EMAIL_TEMPLATES = {
  headers: { Subject: '{{ template "mytv.email.subject" . }}' },
  html: '{{ template "mytv.email.html" . }}',
  text: '{{ template "mytv.email.text" . }}',
};
const SLACK_TEMPLATES = {
  title: '{{ template "mytv.slack.title" . }}',
  title_link: '{{ template "mytv.slack.title_link" . }}',
  text: '{{ template "mytv.slack.text" . }}',
};

function value(values: Values, name: VariableName): string {
  const v = values[name];
  if (v === undefined) throw new Error(`internal: ${name} has no value`);
  return v;
}

function receiver(team: Team, values: Values) {
  return {
    name: team.receiver,
    email_configs: [{ to: value(values, team.email), send_resolved: true, ...EMAIL_TEMPLATES }],
    slack_configs: [{ channel: value(values, team.slack), send_resolved: true, ...SLACK_TEMPLATES }],
  };
}

function heartbeatReceiver(values: Values) {
  const urlFile = values.HEARTBEAT_URL_FILE;
  // Without a heartbeat URL the Watchdog still needs a route of its own (never a team's inbox).
  if (urlFile === undefined) return { name: HEARTBEAT_RECEIVER };
  return { name: HEARTBEAT_RECEIVER, webhook_configs: [{ url_file: urlFile, send_resolved: false }] };
}

export function buildConfig(values: Values): Record<string, unknown> {
  const global: Record<string, unknown> = {
    resolve_timeout: value(values, 'ALERTMANAGER_RESOLVE_TIMEOUT'),
    smtp_smarthost: value(values, 'SMTP_HOST'),
    smtp_from: value(values, 'SMTP_FROM'),
    smtp_auth_username: value(values, 'SMTP_USER'),
    smtp_auth_password_file: value(values, 'SMTP_PASSWORD_FILE'),
    smtp_require_tls: value(values, 'SMTP_REQUIRE_TLS') === 'true',
    slack_api_url_file: value(values, 'SLACK_WEBHOOK_URL_FILE'),
  };
  if (values.ALERTMANAGER_HTTP_CA_FILE !== undefined) {
    global.http_config = { tls_config: { ca_file: values.ALERTMANAGER_HTTP_CA_FILE } };
  }
  const root = TEAMS.find((t) => t.matchers === undefined);
  if (!root) throw new Error('internal: no default team');
  const groupWait = value(values, 'ALERTMANAGER_GROUP_WAIT');
  const groupInterval = value(values, 'ALERTMANAGER_GROUP_INTERVAL');
  return {
    global,
    // Relative to the rendered alertmanager.yml.
    templates: ['templates/*.tmpl'],
    route: {
      receiver: root.receiver,
      group_by: ['alertname'],
      group_wait: groupWait,
      group_interval: groupInterval,
      repeat_interval: value(values, root.repeatInterval),
      routes: [
        // First, and never continuing: the heartbeat goes to the heartbeat receiver only, at once.
        {
          receiver: HEARTBEAT_RECEIVER,
          matchers: ['alertname="Watchdog"'],
          group_wait: '0s',
          group_interval: shorter(groupInterval, '1m'),
          repeat_interval: value(values, 'HEARTBEAT_REPEAT_INTERVAL'),
        },
        ...TEAMS.filter((t) => t.matchers !== undefined).map((t) => ({
          receiver: t.receiver,
          matchers: [...(t.matchers ?? [])],
          ...(t.continue ? { continue: true } : {}),
          ...(t.repeatInterval !== root.repeatInterval
            ? { repeat_interval: value(values, t.repeatInterval) }
            : {}),
        })),
      ],
    },
    inhibit_rules: [
      // A critical alert silences the warning about the same symptom of the same job while it fires
      // (HighCriticalErrorRate inhibits HighErrorRate; a paging SLO burn its ticket). Requiring the
      // label to be non-empty keeps alerts WITHOUT it from matching each other (Alertmanager treats
      // a label missing on both sides as equal).
      {
        source_matchers: ['severity="critical"', 'symptom=~".+"'],
        target_matchers: ['severity="warning"', 'symptom=~".+"'],
        equal: ['symptom', 'job'],
      },
    ],
    receivers: [...TEAMS.map((t) => receiver(t, values)), heartbeatReceiver(values)],
  };
}

/** The shorter of two durations as Alertmanager reads them (both already checked). */
function shorter(a: string, b: string): string {
  return seconds(a) <= seconds(b) ? a : b;
}

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 604800,
  y: 31536000,
};

export function seconds(duration: string): number {
  let total = 0;
  let digits = '';
  for (let i = 0; i < duration.length; i++) {
    const c = duration[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      continue;
    }
    const unit = duration.startsWith('ms', i) ? 'ms' : c;
    total += Number(digits) * (UNIT_SECONDS[unit] ?? NaN);
    digits = '';
    i += unit.length - 1;
  }
  return total;
}

/**
 * The links template: the three base URLs as Go-template definitions. The values are URLs
 * normalised by the WHATWG parser and checked to hold no template or HTML delimiters.
 */
export function linksTemplate(values: Values): string {
  const define = (name: string, url: string) => `{{ define "${name}" }}${url}{{ end }}`;
  return [
    '{{/* Generated by scripts/render-alertmanager-config.ts from its URL variables. */}}',
    define('mytv.runbook.base', value(values, 'RUNBOOK_BASE_URL')),
    define('mytv.grafana.base', value(values, 'GRAFANA_ROOT_URL')),
    define('mytv.prometheus.base', value(values, 'PROMETHEUS_EXTERNAL_URL')),
    '',
  ].join('\n');
}
