/**
 * The renderer's input: every environment variable it reads, with a typed check per kind. The
 * config is built as data and written by the `yaml` library (which quotes what needs quoting), so
 * these checks are about catching mistakes early with a clear message, not about escaping.
 */

export type Kind =
  'hostport' | 'email' | 'emails' | 'username' | 'bool' | 'path' | 'channel' | 'url' | 'duration';

export interface VariableSpec {
  readonly kind: Kind;
  readonly required?: boolean;
  readonly default?: string;
  /** The value is the PATH of a secret file Alertmanager reads; the secret is never read here. */
  readonly secretFile?: boolean;
  readonly description: string;
}

/** Thrown for any input the renderer refuses; its message is printed as is (never the value). */
export class RenderError extends Error {}

const HINTS: Readonly<Record<Kind, string>> = {
  hostport: 'host:port, e.g. smtp.example.com:587',
  email: 'one e-mail address',
  emails: 'e-mail addresses separated by commas',
  username: 'letters, digits and @ . _ + -',
  bool: 'true or false',
  path: 'a file path of letters, digits and . _ / -',
  channel: 'a Slack channel such as #alerts-critical',
  url: 'an http(s) URL without query, fragment or credentials, e.g. https://grafana.example.com',
  duration: 'a duration such as 30s, 5m, 4h or 1h30m',
};

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const LETTERS_DIGITS = `${LOWER}${LOWER.toUpperCase()}${DIGITS}`;
const only = (value: string, allowed: string) => [...value].every((c) => allowed.includes(c));

function isHostname(host: string): boolean {
  if (host.startsWith('[') && host.endsWith(']')) return only(host.slice(1, -1), `${DIGITS}abcdefABCDEF:.`);
  const labels = host.split('.');
  return labels.every(
    (l) => l.length > 0 && l.length <= 63 && only(l, `${LETTERS_DIGITS}-`) && !l.startsWith('-'),
  );
}

function isPort(port: string): boolean {
  return (
    port.length > 0 && port.length <= 5 && only(port, DIGITS) && Number(port) > 0 && Number(port) < 65536
  );
}

function isEmail(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  return only(local, `${LETTERS_DIGITS}._%+-`) && domain.includes('.') && isHostname(domain);
}

/** Units of a Prometheus/Alertmanager duration, largest first. */
const DURATION_UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Index in DURATION_UNITS of the unit `rest` starts with ("ms" before "m"), or -1. */
function unitAt(rest: string): number {
  if (rest.startsWith('ms')) return DURATION_UNITS.indexOf('ms');
  return DURATION_UNITS.findIndex((u) => u.length === 1 && rest.startsWith(u));
}

/** A Prometheus duration (`1h30m`, `30s`): digits and a unit, repeated, units from large to small. */
export function isDuration(value: string): boolean {
  let rest = value;
  let previous = -1;
  if (rest === '') return false;
  while (rest !== '') {
    let digits = 0;
    while (digits < rest.length && DIGITS.includes(rest[digits])) digits++;
    if (digits === 0) return false;
    rest = rest.slice(digits);
    const unit = unitAt(rest);
    if (unit <= previous) return false; // no unit, or not smaller than the one before
    previous = unit;
    rest = rest.slice(DURATION_UNITS[unit].length);
  }
  return true;
}

/** The URL without a trailing slash, or undefined when it is not a plain http(s) base URL. */
function normalUrl(value: string): string | undefined {
  // Only characters a URL carries as typed (RFC 3986 unreserved, path and port delimiters, percent
  // escapes): nothing the parser would have to escape, so what is checked is what is written.
  if (!only(value, `${LETTERS_DIGITS}-._~:/%+@[]`)) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return url.href.replace(/\/+$/, '');
}

/** The checked (and for URLs normalised) value, or undefined when `value` is not of `kind`. */
export function check(kind: Kind, value: string): string | undefined {
  switch (kind) {
    case 'hostport': {
      const colon = value.lastIndexOf(':');
      return colon > 0 && isHostname(value.slice(0, colon)) && isPort(value.slice(colon + 1))
        ? value
        : undefined;
    }
    case 'email':
      return isEmail(value) ? value : undefined;
    case 'emails':
      return value.split(',').every((a) => isEmail(a.trim())) ? value : undefined;
    case 'username':
      return only(value, `${LETTERS_DIGITS}@._+-`) ? value : undefined;
    case 'bool':
      return value === 'true' || value === 'false' ? value : undefined;
    case 'path':
      return value.length > 0 && only(value, `${LETTERS_DIGITS}._/-`) ? value : undefined;
    case 'channel':
      return (value.startsWith('#') || value.startsWith('@')) &&
        value.length >= 2 &&
        value.length <= 81 &&
        only(value.slice(1), `${LOWER}${DIGITS}._-`)
        ? value
        : undefined;
    case 'url':
      return normalUrl(value);
    case 'duration':
      return isDuration(value) ? value : undefined;
  }
}

const team = (receiver: string) => `Recipients of ${receiver}`;

/** Every variable the renderer reads. */
export const VARIABLES = {
  SMTP_HOST: {
    kind: 'hostport',
    required: true,
    description: 'SMTP relay, host:port (e.g. smtp.example.com:587)',
  },
  SMTP_FROM: { kind: 'email', required: true, description: 'Sender address of alert e-mails' },
  SMTP_USER: { kind: 'username', default: '', description: 'SMTP user; empty: no SMTP authentication' },
  SMTP_REQUIRE_TLS: {
    kind: 'bool',
    default: 'true',
    description: 'Require STARTTLS (false only for a local test sink)',
  },
  SMTP_PASSWORD_FILE: {
    kind: 'path',
    default: '/run/secrets/smtp_password',
    secretFile: true,
    description: 'File holding SMTP_PASSWORD (compose secret smtp_password)',
  },
  SLACK_WEBHOOK_URL_FILE: {
    kind: 'path',
    default: '/run/secrets/slack_webhook_url',
    secretFile: true,
    description: 'File holding SLACK_WEBHOOK_URL (compose secret slack_webhook_url)',
  },
  HEARTBEAT_URL_FILE: {
    kind: 'path',
    secretFile: true,
    description:
      "File holding the dead-man's-switch URL the Watchdog heartbeat is POSTed to (webhook); unset: the Watchdog is routed to a receiver without integrations (no heartbeat)",
  },
  HEARTBEAT_REPEAT_INTERVAL: {
    kind: 'duration',
    default: '5m',
    description: 'How often the heartbeat receiver gets the Watchdog again',
  },
  ALERTMANAGER_HTTP_CA_FILE: {
    kind: 'path',
    description:
      'CA certificate file (PEM) for HTTPS notification endpoints (global http_config tls_config ca_file); unset: the system CAs',
  },
  ALERTMANAGER_GROUP_WAIT: {
    kind: 'duration',
    default: '30s',
    description: 'route group_wait (tests shorten it)',
  },
  ALERTMANAGER_GROUP_INTERVAL: {
    kind: 'duration',
    default: '5m',
    description: 'route group_interval (tests shorten it)',
  },
  ALERTMANAGER_REPEAT_INTERVAL: {
    kind: 'duration',
    default: '4h',
    description: 'repeat_interval of every route but critical-alerts (tests shorten it)',
  },
  ALERTMANAGER_CRITICAL_REPEAT_INTERVAL: {
    kind: 'duration',
    default: '1h',
    description: 'repeat_interval of critical-alerts',
  },
  ALERTMANAGER_RESOLVE_TIMEOUT: {
    kind: 'duration',
    default: '5m',
    description: 'global resolve_timeout (alerts without an end time resolve after it)',
  },
  ALERT_EMAIL_CRITICAL: {
    kind: 'emails',
    required: true,
    description: `${team('critical-alerts')} (on-call)`,
  },
  ALERT_EMAIL_WARNING: { kind: 'emails', required: true, description: team('warning-alerts') },
  ALERT_EMAIL_DATABASE: { kind: 'emails', required: true, description: `${team('database-team')} (DBA)` },
  ALERT_EMAIL_SECURITY: { kind: 'emails', required: true, description: team('security-team') },
  ALERT_EMAIL_PAYMENTS: { kind: 'emails', required: true, description: team('payments-team') },
  ALERT_EMAIL_DEFAULT: {
    kind: 'emails',
    required: true,
    description: `${team('default')} (alerts no route matched)`,
  },
  SLACK_CHANNEL_CRITICAL: {
    kind: 'channel',
    default: '#alerts-critical',
    description: 'Slack channel of critical-alerts',
  },
  SLACK_CHANNEL_WARNING: {
    kind: 'channel',
    default: '#alerts-warning',
    description: 'Slack channel of warning-alerts',
  },
  SLACK_CHANNEL_DATABASE: {
    kind: 'channel',
    default: '#team-database',
    description: 'Slack channel of database-team',
  },
  SLACK_CHANNEL_SECURITY: {
    kind: 'channel',
    default: '#team-security',
    description: 'Slack channel of security-team',
  },
  SLACK_CHANNEL_PAYMENTS: {
    kind: 'channel',
    default: '#team-payments',
    description: 'Slack channel of payments-team',
  },
  SLACK_CHANNEL_DEFAULT: { kind: 'channel', default: '#alerts', description: 'Slack channel of default' },
  PROMETHEUS_EXTERNAL_URL: {
    kind: 'url',
    default: 'http://localhost:9090',
    description: 'Prometheus as users reach it (alerts page link)',
  },
  GRAFANA_ROOT_URL: {
    kind: 'url',
    default: 'http://localhost:3001',
    description: 'Grafana as users reach it (dashboard links of alerts whose rules give none)',
  },
  RUNBOOK_BASE_URL: {
    kind: 'url',
    required: true,
    description:
      'Where this repository is browsed; runbook links of alerts whose rules give a relative one are RUNBOOK_BASE_URL/monitoring/runbooks/<Alert>.md',
  },
} as const satisfies Record<string, VariableSpec>;

export type VariableName = keyof typeof VARIABLES;
export type Values = Partial<Record<VariableName, string>>;

/** Secrets given directly are ignored (with a warning): they belong in the files named above. */
export const SECRETS_IN_FILES: Readonly<Record<string, VariableName>> = {
  SMTP_PASSWORD: 'SMTP_PASSWORD_FILE',
  SLACK_WEBHOOK_URL: 'SLACK_WEBHOOK_URL_FILE',
  HEARTBEAT_URL: 'HEARTBEAT_URL_FILE',
};

/** Checked values of every variable set or defaulted; throws naming every missing required one. */
export function resolveVariables(env: Readonly<Record<string, string | undefined>>): Values {
  const missing: string[] = [];
  const values: Values = {};
  for (const [name, spec] of Object.entries(VARIABLES) as Array<[VariableName, VariableSpec]>) {
    const given = env[name];
    const value = given === undefined || given === '' ? spec.default : given;
    if (value === undefined) {
      if (spec.required) missing.push(name);
      continue;
    }
    // An empty default (SMTP_USER) is a value of its own: no check.
    const checked = value === '' ? '' : check(spec.kind, value);
    if (checked === undefined) {
      // Never echo the value: it may be a mistyped secret.
      throw new RenderError(`${name} is refused: expected ${HINTS[spec.kind]}`);
    }
    values[name] = checked;
  }
  if (missing.length) {
    throw new RenderError(
      `missing required variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (see monitoring/alertmanager/README.md)`,
    );
  }
  return values;
}
