import { buildConfig, linksTemplate, seconds, TEAMS } from '../../../scripts/alertmanager-config/config.ts';
import { resolveVariables } from '../../../scripts/alertmanager-config/variables.ts';

/** The Alertmanager config built as data (scripts/alertmanager-config/config.ts). */
const values = resolveVariables({
  SMTP_HOST: 'smtp.example.com:587',
  SMTP_FROM: 'alertmanager@example.com',
  ALERT_EMAIL_CRITICAL: 'oncall@example.com',
  ALERT_EMAIL_WARNING: 'team@example.com',
  ALERT_EMAIL_DATABASE: 'dba@example.com',
  ALERT_EMAIL_SECURITY: 'security@example.com',
  ALERT_EMAIL_PAYMENTS: 'payments@example.com',
  ALERT_EMAIL_DEFAULT: 'ops@example.com',
  RUNBOOK_BASE_URL: 'https://git.example.com/repo/-/blob/main',
});

interface Route {
  receiver: string;
  matchers?: string[];
  continue?: boolean;
  group_interval?: string;
}
type Config = {
  route: Route & { routes: Route[] };
  receivers: Array<{ name: string; email_configs?: Array<{ to: string }>; slack_configs?: unknown[] }>;
};

describe('buildConfig', () => {
  const config = buildConfig(values) as unknown as Config;

  it('has one receiver per team, built from the same definition, plus the heartbeat', () => {
    expect(config.receivers.map((r) => r.name)).toEqual([...TEAMS.map((t) => t.receiver), 'heartbeat']);
    for (const r of config.receivers.slice(0, TEAMS.length)) {
      expect(r.email_configs).toHaveLength(1);
      expect(r.slack_configs).toHaveLength(1);
    }
    expect(config.receivers.find((r) => r.name === 'database-team')?.email_configs?.[0].to).toBe(
      'dba@example.com',
    );
  });

  it('routes the Watchdog first, to the heartbeat only; then critical (continuing) and the teams', () => {
    expect(config.route.receiver).toBe('default');
    expect(config.route.routes.map((r) => [r.receiver, r.matchers, r.continue ?? false])).toEqual([
      ['heartbeat', ['alertname="Watchdog"'], false],
      ['critical-alerts', ['severity="critical"'], true],
      ['database-team', ['team="database"'], false],
      ['security-team', ['severity="security"'], false],
      ['payments-team', ['severity="payments"'], false],
      ['warning-alerts', ['severity="warning"'], false],
    ]);
  });

  it('never lets the heartbeat wait longer than the group interval it is given', () => {
    const fast = buildConfig({ ...values, ALERTMANAGER_GROUP_INTERVAL: '5s' }) as unknown as Config;
    expect(fast.route.routes[0].group_interval).toBe('5s');
    expect(config.route.routes[0].group_interval).toBe('1m');
  });
});

describe('seconds', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['500ms', 0.5],
    ['1d', 86400],
  ])('%s is %d s', (d, s) => expect(seconds(d)).toBe(s));
});

describe('linksTemplate', () => {
  it('defines the three base URLs', () => {
    expect(linksTemplate(values)).toContain(
      '{{ define "mytv.runbook.base" }}https://git.example.com/repo/-/blob/main{{ end }}',
    );
    expect(linksTemplate(values)).toContain('{{ define "mytv.grafana.base" }}http://localhost:3001{{ end }}');
    expect(linksTemplate(values)).toContain(
      '{{ define "mytv.prometheus.base" }}http://localhost:9090{{ end }}',
    );
  });
});
