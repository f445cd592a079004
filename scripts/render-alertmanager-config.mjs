#!/usr/bin/env node
// Renders the Alertmanager configuration from monitoring/alertmanager/ and the environment.
//
// Alertmanager does not expand environment variables, so the non-secret settings (SMTP host and
// sender, one recipient per team, Slack channels, links) are written into the config here, at start;
// the secrets (SMTP password, Slack webhook URL) never are: the config names the FILES Alertmanager
// reads them from (smtp_auth_password_file, slack_api_url_file).
//
//   node scripts/render-alertmanager-config.mjs --out-dir DIR [--template-dir DIR]
//   node scripts/render-alertmanager-config.mjs --describe     # the variables below, as JSON
//
// Input: <template-dir>/alertmanager.yml.tmpl and <template-dir>/templates/*.tmpl, where `${NAME}`
// is replaced by a variable of VARIABLES. Output: <out-dir>/alertmanager.yml and
// <out-dir>/templates/*.tmpl (start Alertmanager with --config.file=<out-dir>/alertmanager.yml).
// Plain Node 22 ESM with built-ins only: it runs natively and in a node:22-alpine one-shot container.
// Exit code 1 with one message on stderr when a variable is missing or refused.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));

// Each kind is a whitelist: a value that matches cannot leave the double-quoted YAML scalar, the
// HTML/text of a notification or the Go template it is written into (no quotes, backslashes,
// braces, angle brackets, `$`, whitespace or control characters).
const EMAIL = '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)+';
const KINDS = {
  hostport: {
    pattern: /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\]):[0-9]{1,5}$/,
    hint: 'host:port, e.g. smtp.example.com:587',
  },
  email: { pattern: new RegExp(`^${EMAIL}$`), hint: 'one e-mail address' },
  emails: { pattern: new RegExp(`^${EMAIL}(?:, ?${EMAIL})*$`), hint: 'e-mail addresses separated by commas' },
  username: { pattern: /^[A-Za-z0-9@._+-]*$/, hint: 'letters, digits and @ . _ + -' },
  bool: { pattern: /^(?:true|false)$/, hint: 'true or false' },
  path: { pattern: /^[A-Za-z0-9._/-]+$/, hint: 'a file path of letters, digits and . _ / -' },
  channel: { pattern: /^[#@][a-z0-9._-]{1,80}$/, hint: 'a Slack channel such as #alerts-critical' },
  url: {
    pattern: /^https?:\/\/[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~%+/-]*)?$/,
    hint: 'an http(s) URL without query, e.g. https://grafana.example.com',
  },
};

/**
 * Every variable the templates may use. `secretFile`: the value is the PATH of a secret file that
 * Alertmanager reads (the compose file mounts the secret there); the secret itself is never read here.
 */
export const VARIABLES = {
  SMTP_HOST: {
    kind: 'hostport',
    required: true,
    description: 'SMTP relay, host:port (seed: smtp.example.com:587)',
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
  ALERT_EMAIL_CRITICAL: {
    kind: 'emails',
    required: true,
    description: 'Recipients of critical-alerts (on-call)',
  },
  ALERT_EMAIL_WARNING: { kind: 'emails', required: true, description: 'Recipients of warning-alerts' },
  ALERT_EMAIL_DATABASE: { kind: 'emails', required: true, description: 'Recipients of database-team (DBA)' },
  ALERT_EMAIL_SECURITY: { kind: 'emails', required: true, description: 'Recipients of security-team' },
  ALERT_EMAIL_PAYMENTS: { kind: 'emails', required: true, description: 'Recipients of payments-team' },
  ALERT_EMAIL_DEFAULT: {
    kind: 'emails',
    required: true,
    description: 'Recipients of default (alerts no route matched)',
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
    description: 'Grafana as users reach it (dashboard links; seed variable)',
  },
  RUNBOOK_BASE_URL: {
    kind: 'url',
    required: true,
    description:
      'Where this repository is browsed; runbook links are RUNBOOK_BASE_URL/monitoring/runbooks/<Alert>.md',
  },
};

/** Secrets given directly are ignored (with a warning): they belong in the files named above. */
const SECRETS_IN_FILES = { SMTP_PASSWORD: 'SMTP_PASSWORD_FILE', SLACK_WEBHOOK_URL: 'SLACK_WEBHOOK_URL_FILE' };

class RenderError extends Error {}

/** Checked values of every variable, from `env`; throws RenderError naming every missing variable. */
export function resolveVariables(env) {
  const missing = [];
  const values = {};
  for (const [name, spec] of Object.entries(VARIABLES)) {
    const given = env[name];
    const value = given === undefined || given === '' ? spec.default : given;
    if (value === undefined) {
      if (spec.required) missing.push(name);
      continue;
    }
    const kind = KINDS[spec.kind];
    if (!kind.pattern.test(value)) {
      // Never echo the value: it may be a mistyped secret.
      throw new RenderError(
        `${name} is refused: expected ${kind.hint} (quotes, spaces, braces, newlines and other characters that could change the YAML or the templates are not allowed)`,
      );
    }
    values[name] = spec.kind === 'url' ? value.replace(/\/+$/, '') : value;
  }
  if (missing.length) {
    throw new RenderError(
      `missing required variable${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (see monitoring/alertmanager/README.md)`,
    );
  }
  return values;
}

/** `text` with every ${NAME} replaced; an unknown or unset name is an error (a template bug). */
export function substitute(text, values, where) {
  return text.replace(/\$\{([A-Za-z0-9_]*)\}/g, (_, name) => {
    if (!(name in VARIABLES)) throw new RenderError(`${where}: unknown variable \${${name}}`);
    if (!(name in values)) throw new RenderError(`${where}: variable ${name} has no value`);
    return values[name];
  });
}

function writeAtomically(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

export function render({ templateDir, outDir, env }) {
  for (const [secret, fileVar] of Object.entries(SECRETS_IN_FILES)) {
    if (env[secret])
      console.warn(
        `render-alertmanager-config: ${secret} is ignored; Alertmanager reads it from the file ${fileVar} names`,
      );
  }
  const values = resolveVariables(env);
  const config = substitute(
    readFileSync(join(templateDir, 'alertmanager.yml.tmpl'), 'utf8'),
    values,
    'alertmanager.yml.tmpl',
  );
  const templatesIn = join(templateDir, 'templates');
  const templatesOut = join(outDir, 'templates');
  mkdirSync(templatesOut, { recursive: true });
  const written = [];
  for (const name of readdirSync(templatesIn)
    .filter((n) => n.endsWith('.tmpl'))
    .sort()) {
    const text = substitute(readFileSync(join(templatesIn, name), 'utf8'), values, `templates/${name}`);
    writeAtomically(join(templatesOut, name), text);
    written.push(join(templatesOut, name));
  }
  // The config last: Alertmanager never sees a config whose templates are not there yet.
  const configFile = join(outDir, 'alertmanager.yml');
  writeAtomically(configFile, config);
  return { configFile, templates: written };
}

function parseArgs(argv) {
  const args = {
    templateDir: resolve(HERE, '../monitoring/alertmanager'),
    outDir: undefined,
    describe: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--describe') args.describe = true;
    else if (a === '--out-dir') args.outDir = argv[++i];
    else if (a === '--template-dir') args.templateDir = argv[++i];
    else
      throw new RenderError(`unknown argument ${a} (usage: --out-dir DIR [--template-dir DIR] | --describe)`);
  }
  return args;
}

function main() {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.describe) {
      console.log(JSON.stringify(VARIABLES, null, 2));
      return;
    }
    if (!args.outDir) throw new RenderError('--out-dir is required');
    const { configFile } = render({
      templateDir: resolve(args.templateDir),
      outDir: resolve(args.outDir),
      env: process.env,
    });
    console.log(`render-alertmanager-config: wrote ${configFile}`);
  } catch (error) {
    if (!(error instanceof RenderError) && error?.code !== 'ENOENT') throw error;
    console.error(`render-alertmanager-config: ${error.message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
