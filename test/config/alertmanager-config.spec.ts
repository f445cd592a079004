import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { parse } from 'yaml';
import { loadRules, ruleFiles } from '../support/known-metrics';
import { freePort } from '../support/ports';
import { ManagedProcess, stopAll } from '../support/processes';
import { runTool, tool, type ToolRun } from '../support/tools';
import { waitFor, waitForHttp } from '../support/wait';

/**
 * The Alertmanager configuration, rendered by scripts/render-alertmanager-config.ts from example
 * values, checked by Alertmanager's own tools (amtool and alertmanager at versions.env's version):
 * the config loads, every alert of every rule file reaches exactly the receivers its team owns
 * (the Watchdog only the heartbeat), a critical alert inhibits its warning in a running
 * Alertmanager, the notification templates render absolute links, the timing overrides and the
 * CA file land where Alertmanager reads them, the renderer refuses missing and malformed values,
 * and no secret ever lands in the rendered files.
 */
const ROOT = join(__dirname, '..', '..');
const RENDERER = join(ROOT, 'scripts', 'render-alertmanager-config.ts');
const amtool = (args: string[]) => runTool(tool('amtool'), args);
/** How the stack and compose run it: Node's type stripping (the package has no "type"). */
const NODE_ARGS = ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', RENDERER];

const SMTP_PASSWORD = 'smtp-S3cret-value-never-rendered';
const SLACK_WEBHOOK_URL = 'http://127.0.0.1:9/services/T000/B000/never-rendered';

/** Example values (no real host: nothing here is ever contacted, except the loopback sinks below). */
const EXAMPLE_ENV: Record<string, string> = {
  SMTP_HOST: 'smtp.example.com:587',
  SMTP_FROM: 'alertmanager@example.com',
  SMTP_USER: 'alertmanager',
  ALERT_EMAIL_CRITICAL: 'oncall@example.com',
  ALERT_EMAIL_WARNING: 'api-team@example.com',
  ALERT_EMAIL_DATABASE: 'dba@example.com',
  ALERT_EMAIL_SECURITY: 'security@example.com, ciso@example.com',
  ALERT_EMAIL_PAYMENTS: 'payments@example.com',
  ALERT_EMAIL_DEFAULT: 'ops@example.com',
  RUNBOOK_BASE_URL: 'https://git.example.com/mytelevision/api/-/blob/main',
  GRAFANA_ROOT_URL: 'https://grafana.example.com',
  PROMETHEUS_EXTERNAL_URL: 'https://prometheus.example.com',
  // Set on purpose: the renderer must ignore them (they belong in the secret files).
  SMTP_PASSWORD,
  SLACK_WEBHOOK_URL,
};

/**
 * Routing, typed from the alert table's "routed to" column (not derived from the config). Alerts
 * with several rules (the SLO burn rates) are keyed `name[long_window]`.
 */
const EXPECTED_RECEIVERS: Record<string, string> = {
  APIDown: 'critical-alerts',
  PostgreSQLDown: 'critical-alerts,database-team',
  RedisDown: 'critical-alerts',
  HighCriticalErrorRate: 'critical-alerts',
  DiskSpaceCritical: 'critical-alerts',
  HighErrorRate: 'warning-alerts',
  HighResponseTime: 'warning-alerts',
  HighMemoryUsage: 'warning-alerts',
  HighCPUUsage: 'warning-alerts',
  DatabaseConnectionsHigh: 'database-team',
  PossibleBruteForce: 'security-team',
  HighTokenExpiration: 'security-team',
  PaymentFailuresHigh: 'payments-team',
  // the two earlier example rules, kept as alerts of their own
  HighLatency: 'warning-alerts',
  APIHighMemoryUsage: 'warning-alerts',
  // dead targets: the team that owns what the target watches
  APILivenessProbeFailed: 'critical-alerts',
  BlackboxExporterDown: 'critical-alerts',
  PostgreSQLExporterDown: 'critical-alerts,database-team',
  RedisExporterDown: 'critical-alerts',
  NodeExporterDown: 'critical-alerts',
  CollectorDown: 'critical-alerts',
  // the monitoring watched
  PrometheusConfigReloadFailed: 'warning-alerts',
  PrometheusRuleEvaluationFailures: 'critical-alerts',
  PrometheusNotificationQueueRunningFull: 'warning-alerts',
  PrometheusNotificationsDropped: 'warning-alerts',
  PrometheusErrorSendingAlerts: 'critical-alerts',
  PrometheusNotConnectedToAlertmanagers: 'critical-alerts',
  PrometheusTSDBTrouble: 'warning-alerts',
  AlertmanagerFailedReload: 'critical-alerts',
  AlertmanagerFailedToSendAlerts: 'critical-alerts',
  AlertmanagerClusterMembersMissing: 'warning-alerts',
  CollectorRefusingData: 'warning-alerts',
  CollectorExportFailing: 'warning-alerts',
  Watchdog: 'heartbeat',
  // SLO burn rates: pages (critical) and tickets (warning)
  'APIAvailabilityBudgetBurn[1h]': 'critical-alerts',
  'APIAvailabilityBudgetBurn[6h]': 'critical-alerts',
  'APIAvailabilityBudgetBurn[1d]': 'warning-alerts',
  'APIAvailabilityBudgetBurn[3d]': 'warning-alerts',
  'APILatencyBudgetBurn[1h]': 'critical-alerts',
  'APILatencyBudgetBurn[6h]': 'critical-alerts',
  'APILatencyBudgetBurn[1d]': 'warning-alerts',
  'APILatencyBudgetBurn[3d]': 'warning-alerts',
};

/** The parts of Alertmanager's configuration file these tests read. */
interface AlertmanagerConfig {
  global: {
    resolve_timeout?: string;
    smtp_smarthost?: string;
    smtp_require_tls?: boolean;
    smtp_auth_password_file?: string;
    slack_api_url_file?: string;
    http_config?: unknown;
  };
  route: Route;
  receivers: Receiver[];
}
interface Route {
  receiver?: string;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  routes?: Route[];
}
interface Receiver {
  name: string;
  email_configs?: Array<{ to: string }>;
  slack_configs?: unknown[];
}
const parseConfig = (text: string) => parse(text) as AlertmanagerConfig;

interface AlertRule {
  alert: string;
  labels?: Record<string, string>;
}
const alertRules = ruleFiles()
  .flatMap((f) => loadRules(f).groups ?? [])
  .flatMap((g) => (g.rules ?? []) as AlertRule[])
  .filter((r) => r.alert);
const routeKey = (r: AlertRule) => (r.labels?.long_window ? `${r.alert}[${r.labels.long_window}]` : r.alert);

function renderInto(outDir: string, env: Record<string, string>): ToolRun {
  // Only the given variables: the developer's own environment must not leak into the test.
  return runTool(process.execPath, [...NODE_ARGS, '--out-dir', outDir], {
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

interface DescribedVariable {
  kind: string;
  required?: boolean;
  default?: string;
  secretFile?: boolean;
  description: string;
}
function describeVariables(): Record<string, DescribedVariable> {
  const run = runTool(process.execPath, [...NODE_ARGS, '--describe']);
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as Record<string, DescribedVariable>;
}

/** Every `*_file` value of a parsed config, with its key path. */
function fileFields(node: unknown, path = ''): Array<{ path: string; value: string }> {
  if (Array.isArray(node)) return node.flatMap((n, i) => fileFields(n, `${path}[${i}]`));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) =>
      /_file$/.test(k) && typeof v === 'string'
        ? [{ path: `${path}.${k}`, value: v }]
        : fileFields(v, `${path}.${k}`),
    );
  }
  return [];
}

let dir: string;
let configFile: string;
let rendered: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mtv-am-'));
  const run = renderInto(join(dir, 'out'), EXAMPLE_ENV);
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  configFile = join(dir, 'out', 'alertmanager.yml');
  rendered = readFileSync(configFile, 'utf8');
});
afterAll(async () => {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
});

describe('rendered alertmanager.yml', () => {
  it('passes amtool check-config (config and notification templates)', () => {
    const run = amtool(['check-config', configFile]);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
    expect(run.output).toContain('7 receivers');
    expect(run.output).toContain('1 templates');
  });

  it('has the six team receivers, each with e-mail and Slack, and the heartbeat receiver', () => {
    const config = parseConfig(rendered);
    expect(config.receivers.map((r) => r.name).sort()).toEqual([
      'critical-alerts',
      'database-team',
      'default',
      'heartbeat',
      'payments-team',
      'security-team',
      'warning-alerts',
    ]);
    // No HEARTBEAT_URL_FILE in the example: the heartbeat receiver has no integration.
    expect(config.receivers.find((r) => r.name === 'heartbeat')).toEqual({
      name: 'heartbeat',
    });
    for (const r of config.receivers.filter((x) => x.name !== 'heartbeat')) {
      expect({ name: r.name, email: r.email_configs?.length, slack: r.slack_configs?.length }).toEqual({
        name: r.name,
        email: 1,
        slack: 1,
      });
    }
  });

  it('ships the default timings: group_wait 30s, group_interval 5m, warnings every 4h, critical every 1h', () => {
    const config = parseConfig(rendered);
    const route = config.route;
    expect(config.global.resolve_timeout).toBe('5m');
    expect(route.group_by).toEqual(['alertname']);
    expect([route.group_wait, route.group_interval]).toEqual(['30s', '5m']);
    const sub = (name: string) => route.routes?.find((r) => r.receiver === name);
    expect(sub('warning-alerts')?.repeat_interval ?? route.repeat_interval).toBe('4h');
    expect(sub('critical-alerts')?.repeat_interval).toBe('1h');
    expect(sub('heartbeat')).toEqual({
      receiver: 'heartbeat',
      matchers: ['alertname="Watchdog"'],
      group_wait: '0s',
      group_interval: '1m',
      repeat_interval: '5m',
    });
    expect(config.global.http_config).toBeUndefined();
  });

  it('takes the timing overrides of the tests, the heartbeat URL file and the CA file', () => {
    const out = join(dir, 'fast');
    const run = renderInto(out, {
      ...EXAMPLE_ENV,
      ALERTMANAGER_GROUP_WAIT: '1s',
      ALERTMANAGER_GROUP_INTERVAL: '5s',
      ALERTMANAGER_REPEAT_INTERVAL: '1m',
      ALERTMANAGER_CRITICAL_REPEAT_INTERVAL: '30s',
      ALERTMANAGER_RESOLVE_TIMEOUT: '1m30s',
      HEARTBEAT_REPEAT_INTERVAL: '10s',
      HEARTBEAT_URL_FILE: '/run/secrets/heartbeat_url',
      ALERTMANAGER_HTTP_CA_FILE: '/srv/mtv/tls/ca.crt',
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    const file = join(out, 'alertmanager.yml');
    expect(amtool(['check-config', file]).status).toBe(0);
    const config = parseConfig(readFileSync(file, 'utf8'));
    const route = config.route;
    const sub = (name: string) => route.routes?.find((r) => r.receiver === name);
    expect([route.group_wait, route.group_interval, route.repeat_interval]).toEqual(['1s', '5s', '1m']);
    expect(config.global.resolve_timeout).toBe('1m30s');
    expect(sub('critical-alerts')?.repeat_interval).toBe('30s');
    expect(sub('heartbeat')?.group_interval).toBe('5s');
    expect(sub('heartbeat')?.repeat_interval).toBe('10s');
    expect(config.receivers.find((r) => r.name === 'heartbeat')).toEqual({
      name: 'heartbeat',
      webhook_configs: [{ url_file: '/run/secrets/heartbeat_url', send_resolved: false }],
    });
    expect(config.global.http_config).toEqual({ tls_config: { ca_file: '/srv/mtv/tls/ca.crt' } });
  });

  it('writes the example values where the template asks for them', () => {
    const config = parseConfig(rendered);
    expect(config.global.smtp_smarthost).toBe('smtp.example.com:587');
    expect(config.global.smtp_require_tls).toBe(true);
    const to = (name: string) => config.receivers.find((r) => r.name === name)?.email_configs?.[0].to;
    expect(to('security-team')).toBe('security@example.com, ciso@example.com');
    expect(to('default')).toBe('ops@example.com');
  });

  it('names only secret files the renderer documents, and never a secret', () => {
    const documented = Object.entries(describeVariables()).filter(([, v]) => v.secretFile);
    expect(documented.map(([name]) => name).sort()).toEqual([
      'HEARTBEAT_URL_FILE',
      'SLACK_WEBHOOK_URL_FILE',
      'SMTP_PASSWORD_FILE',
    ]);
    const fields = fileFields(parseConfig(rendered));
    expect(fields.map((f) => f.path).sort()).toEqual([
      '.global.slack_api_url_file',
      '.global.smtp_auth_password_file',
    ]);
    for (const f of fields) expect(documented.map(([, v]) => v.default)).toContain(f.value);
    for (const file of [
      configFile,
      ...readdirSync(join(dir, 'out', 'templates')).map((t) => join(dir, 'out', 'templates', t)),
    ]) {
      const text = readFileSync(file, 'utf8');
      expect(text).not.toContain(SMTP_PASSWORD);
      expect(text).not.toContain('never-rendered');
    }
  });

  it("takes overridden secret-file paths and SMTP_REQUIRE_TLS=false (the native stack's local sink)", () => {
    const out = join(dir, 'native');
    const run = renderInto(out, {
      ...EXAMPLE_ENV,
      SMTP_PASSWORD_FILE: '/srv/mtv/secrets/smtp_password',
      SLACK_WEBHOOK_URL_FILE: 'secrets/slack_webhook_url',
      SMTP_REQUIRE_TLS: 'false',
    });
    expect(run.status).toBe(0);
    const config = parseConfig(readFileSync(join(out, 'alertmanager.yml'), 'utf8'));
    expect(config.global.smtp_auth_password_file).toBe('/srv/mtv/secrets/smtp_password');
    expect(config.global.slack_api_url_file).toBe('secrets/slack_webhook_url');
    expect(config.global.smtp_require_tls).toBe(false);
  });
});

describe('routing (amtool config routes test)', () => {
  it('has an expected receiver for every alert of the rules, and a rule for every expected alert', () => {
    expect(alertRules.map(routeKey).sort()).toEqual(Object.keys(EXPECTED_RECEIVERS).sort());
  });

  it.each(
    alertRules.map((r) => [routeKey(r), EXPECTED_RECEIVERS[routeKey(r)], r.alert, r.labels ?? {}] as const),
  )('%s -> %s', (_, receivers, alertname, labels) => {
    const pairs = Object.entries({ alertname, ...labels }).map(([k, v]) => `${k}=${v}`);
    const run = amtool([
      'config',
      'routes',
      'test',
      `--config.file=${configFile}`,
      `--verify.receivers=${receivers}`,
      ...pairs,
    ]);
    expect({ status: run.status, receivers: run.stdout.trim() }).toEqual({ status: 0, receivers });
  });

  it('sends an alert without a known severity to default', () => {
    const run = amtool([
      'config',
      'routes',
      'test',
      `--config.file=${configFile}`,
      '--verify.receivers=default',
      'alertname=Unexpected',
      'severity=info',
    ]);
    expect({ status: run.status, receivers: run.stdout.trim() }).toEqual({ status: 0, receivers: 'default' });
  });

  it('fails when a receiver is wrong (the route tests can fail)', () => {
    const run = amtool([
      'config',
      'routes',
      'test',
      `--config.file=${configFile}`,
      '--verify.receivers=warning-alerts',
      'alertname=APIDown',
      'severity=critical',
    ]);
    expect(run.status).not.toBe(0);
  });
});

describe('notification templates (amtool template render)', () => {
  const data = {
    receiver: 'critical-alerts',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'APIDown', severity: 'critical', job: 'mytelevision-api', instance: 'api:3000' },
        annotations: {
          summary: 'API is down',
          description: 'Prometheus cannot scrape the API.',
          runbook_url: 'https://git.example.com/mytelevision/api/-/blob/main/monitoring/runbooks/APIDown.md',
          dashboard_uid: 'api-overview',
          dashboard_url: 'https://grafana.example.com/d/api-overview',
        },
        startsAt: '2026-01-01T00:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://prometheus.example.com/graph?g0.expr=up',
        fingerprint: '1',
      },
    ],
    groupLabels: { alertname: 'APIDown' },
    commonLabels: { alertname: 'APIDown', severity: 'critical' },
    commonAnnotations: {
      summary: 'API is down',
      runbook_url: 'https://git.example.com/mytelevision/api/-/blob/main/monitoring/runbooks/APIDown.md',
      dashboard_uid: 'api-overview',
      dashboard_url: 'https://grafana.example.com/d/api-overview',
    },
    externalURL: 'https://alertmanager.example.com',
  };
  const render = (template: string, type = 'text', payload: unknown = data) => {
    const dataFile = join(dir, 'data.json');
    writeFileSync(dataFile, JSON.stringify(payload));
    const run = amtool([
      'template',
      'render',
      `--template.glob=${join(dir, 'out', 'templates', '*.tmpl')}`,
      `--template.type=${type}`,
      `--template.data=${dataFile}`,
      `--template.text={{ template "${template}" . }}`,
    ]);
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    return run.stdout;
  };
  const RUNBOOK = 'https://git.example.com/mytelevision/api/-/blob/main/monitoring/runbooks/APIDown.md';
  const DASHBOARD = 'https://grafana.example.com/d/api-overview';

  it('e-mail subject names the status, count, alert and severity', () => {
    expect(render('mytv.email.subject').trim()).toBe('[FIRING:1] APIDown (critical)');
  });

  it.each([
    ['mytv.email.text', 'text'],
    ['mytv.email.html', 'html'],
    ['mytv.slack.text', 'text'],
  ])('%s carries summary, description and the runbook, Grafana and Prometheus links', (template, type) => {
    const text = render(template, type);
    for (const part of [
      'API is down',
      'Prometheus cannot scrape the API.',
      RUNBOOK,
      DASHBOARD,
      'https://prometheus.example.com/graph?g0.expr=up',
    ]) {
      expect(text).toContain(part);
    }
  });

  it('Slack title links to the dashboard', () => {
    expect(render('mytv.slack.title_link').trim()).toBe(DASHBOARD);
  });

  it('completes a relative runbook link and a bare dashboard uid with the rendered base URLs', () => {
    const alert = data.alerts[0];
    const relative = {
      ...data,
      alerts: [
        {
          ...alert,
          annotations: {
            ...alert.annotations,
            runbook_url: 'monitoring/runbooks/APIDown.md',
            dashboard_url: '',
          },
        },
      ],
    };
    const text = render('mytv.email.text', 'text', relative);
    expect(text).toContain(`Runbook:     ${RUNBOOK}`);
    expect(text).toContain(`Dashboard:   ${DASHBOARD}`);
  });
});

describe('renderer refusals', () => {
  it('fails with one clear message naming every missing required variable, and writes nothing', () => {
    const env = { ...EXAMPLE_ENV };
    delete (env as Partial<typeof env>).SMTP_HOST;
    delete (env as Partial<typeof env>).ALERT_EMAIL_PAYMENTS;
    const out = join(dir, 'missing');
    const run = renderInto(out, env);
    expect(run.status).toBe(1);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => !l.includes('is ignored')),
    ).toEqual([
      'render-alertmanager-config: missing required variables SMTP_HOST, ALERT_EMAIL_PAYMENTS (see monitoring/alertmanager/README.md)',
    ]);
    expect(existsSync(join(out, 'alertmanager.yml'))).toBe(false);
  });

  it.each([
    ['ALERT_EMAIL_CRITICAL', 'oncall@example.com"\n  smtp_require_tls: false\n  x: "'],
    ['ALERT_EMAIL_WARNING', 'team@example.com\nreceivers: []'],
    ['SMTP_HOST', 'smtp.example.com:587" # comment'],
    ['SMTP_REQUIRE_TLS', 'true\nroute: {}'],
    ['SMTP_PASSWORD_FILE', '/run/secrets/x"\n  smtp_auth_password: "inline'],
    ['SLACK_CHANNEL_CRITICAL', "#alerts' ; x"],
    ['GRAFANA_ROOT_URL', 'https://grafana.example.com/"><script>alert(1)</script>'],
    ['RUNBOOK_BASE_URL', 'https://git.example.com/{{ .Alerts }}'],
    ['SMTP_USER', 'user" extra: "1'],
    ['ALERTMANAGER_GROUP_INTERVAL', '5 minutes'],
    ['ALERTMANAGER_REPEAT_INTERVAL', '30m1h'],
    ['HEARTBEAT_URL_FILE', '/run/secrets/x\nsend_resolved: true'],
    ['ALERTMANAGER_HTTP_CA_FILE', 'ca.pem"\n  insecure_skip_verify: true'],
  ])('refuses a malformed %s (no YAML or template text gets through)', (name, value) => {
    const out = join(dir, `inject-${name}`);
    const run = renderInto(out, { ...EXAMPLE_ENV, [name]: value });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`render-alertmanager-config: ${name} is refused: expected `);
    expect(run.stderr).not.toContain(value);
    expect(existsSync(join(out, 'alertmanager.yml'))).toBe(false);
  });
});

describe('running Alertmanager', () => {
  it('inhibits HighErrorRate while HighCriticalErrorRate fires for the same job, and nothing else', async () => {
    // Loopback-only values: the notifications this Alertmanager might attempt go nowhere.
    const closed = await freePort();
    const out = join(dir, 'live');
    writeFileSync(join(dir, 'smtp_password'), 'x');
    writeFileSync(join(dir, 'slack_webhook_url'), `http://127.0.0.1:${closed}/slack`);
    const run = renderInto(out, {
      ...EXAMPLE_ENV,
      SMTP_HOST: `127.0.0.1:${closed}`,
      SMTP_REQUIRE_TLS: 'false',
      SMTP_PASSWORD_FILE: join(dir, 'smtp_password'),
      SLACK_WEBHOOK_URL_FILE: join(dir, 'slack_webhook_url'),
    });
    expect(run.status).toBe(0);
    const port = await freePort();
    const am = new ManagedProcess('alertmanager', tool('alertmanager'), [
      `--config.file=${join(out, 'alertmanager.yml')}`,
      `--storage.path=${join(dir, 'am-data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ]);
    const base = `http://127.0.0.1:${port}`;
    await waitForHttp(`${base}/-/ready`, { timeoutMs: 30_000 }).catch((e: Error) => {
      throw new Error(`${e.message}\n${am.output()}`);
    });

    const alert = (labels: Record<string, string>) => ({
      labels,
      annotations: { summary: labels.alertname },
      generatorURL: 'http://127.0.0.1/graph',
    });
    const posted = await fetch(`${base}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([
        alert({
          alertname: 'HighCriticalErrorRate',
          severity: 'critical',
          symptom: 'api-error-rate',
          job: 'mytelevision-api',
        }),
        alert({
          alertname: 'HighErrorRate',
          severity: 'warning',
          symptom: 'api-error-rate',
          job: 'mytelevision-api',
        }),
        alert({
          alertname: 'HighErrorRate',
          severity: 'warning',
          symptom: 'api-error-rate',
          job: 'other-api',
        }),
        alert({ alertname: 'HighResponseTime', severity: 'warning', job: 'mytelevision-api' }),
        alert({ alertname: 'HighCPUUsage', severity: 'warning', instance: 'node-exporter:9100' }),
      ]),
    });
    expect(posted.status).toBe(200);

    type Status = { labels: Record<string, string>; status: { state: string; inhibitedBy: string[] } };
    const states = await waitFor('the five alerts with their inhibition state', async () => {
      const alerts = (await (await fetch(`${base}/api/v2/alerts`)).json()) as Status[];
      const settled = alerts.length === 5 && alerts.every((a) => a.status.state !== 'unprocessed');
      return (
        settled &&
        alerts
          .map((a) => `${a.labels.alertname}/${a.labels.job ?? a.labels.instance}: ${a.status.state}`)
          .sort()
      );
    });
    expect(states).toEqual([
      'HighCPUUsage/node-exporter:9100: active',
      'HighCriticalErrorRate/mytelevision-api: active',
      'HighErrorRate/mytelevision-api: suppressed',
      'HighErrorRate/other-api: active',
      'HighResponseTime/mytelevision-api: active',
    ]);
    await am.stop();
  });
});
