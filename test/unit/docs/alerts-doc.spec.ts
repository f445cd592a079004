import { renderAlertsDoc, runbookPath } from '../../../scripts/docs/alerts-doc.ts';
import type { AlertmanagerConfig, AlertRule } from '../../../scripts/docs/sources.ts';

/** docs/alerts.md on a routing tree with nesting, inheritance and a receiver that sends nothing. */
describe('alerts document', () => {
  const rule = (
    alert: string,
    labels: Record<string, string>,
    extra: Partial<AlertRule> = {},
  ): AlertRule => ({
    file: 'alerts.yml',
    group: 'example',
    alert,
    expr: 'vector(1)',
    labels,
    annotations: { summary: `${alert} | summary`, runbook_url: `monitoring/runbooks/${alert}.md` },
    ...extra,
  });
  const config: AlertmanagerConfig = {
    route: {
      receiver: 'default',
      group_by: ['alertname'],
      repeat_interval: '4h',
      routes: [
        { receiver: 'null', matchers: ['alertname="Watchdog"'] },
        {
          receiver: 'ops',
          matchers: ['severity="critical"'],
          repeat_interval: '1h',
          routes: [
            { match: { team: 'database' }, continue: true },
            { receiver: 'dba', matchers: ['team="database"'] },
          ],
        },
      ],
    },
    receivers: [
      { name: 'default', email_configs: [{ to: 'ops@example.com' }] },
      { name: 'ops', slack_configs: [{ channel: '#ops' }] },
      { name: 'dba', email_configs: [{ to: 'dba@example.com' }], slack_configs: [{ channel: '#dba' }] },
      { name: 'null' },
    ],
  };
  const doc = renderAlertsDoc(
    [
      rule('Watchdog', { severity: 'none' }),
      rule('DbDown', { severity: 'critical', team: 'database' }, { for: '1m' }),
    ],
    config,
  );

  it('lists each alert with its severity, duration, escaped summary and computed receivers', () => {
    expect(doc).toContain(
      '| <a id="watchdog"></a>[Watchdog](../monitoring/runbooks/Watchdog.md) | none | 0s | Watchdog \\| summary | [null](#receiver-null) | — |',
    );
    expect(doc).toContain(
      '| 1m | DbDown \\| summary | [ops](#receiver-ops), [dba](#receiver-dba) | `team=database` |',
    );
  });

  it('shows nested routes under their parent with inherited receiver and repeat interval', () => {
    expect(doc).toContain('| `severity="critical"` | [ops](#receiver-ops) | no | 1h |');
    expect(doc).toContain('| ↳ `team="database"` | [ops](#receiver-ops) | yes | 1h |');
    expect(doc).toContain('| ↳ `team="database"` | [dba](#receiver-dba) | no | 1h |');
  });

  it('says what each receiver sends, including nothing', () => {
    expect(doc).toContain('`dba` | e-mail dba@example.com; Slack #dba |');
    expect(doc).toContain('`null` | nothing (drops the notification) |');
  });
});

describe('runbookPath', () => {
  it("reads the runbook's repository path out of the rules' absolute, templated link", () => {
    expect(runbookPath('{{ $externalLabels.runbook_base_url }}/monitoring/runbooks/APIDown.md')).toBe(
      'monitoring/runbooks/APIDown.md',
    );
    expect(runbookPath('monitoring/runbooks/APIDown.md')).toBe('monitoring/runbooks/APIDown.md');
    expect(runbookPath(undefined)).toBeUndefined();
  });
});
