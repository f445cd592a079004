import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { receiversFor } from '../../scripts/docs/alert-routing.ts';
import {
  readAlertRules,
  renderAlertmanagerConfigTo,
  renderedAlertmanagerConfig,
} from '../../scripts/docs/sources.ts';
import { runTool, tool } from '../support/tools';

const ROOT = join(__dirname, '..', '..');

/**
 * docs/alerts.md computes each alert's receivers by walking the routing tree as data; Alertmanager's
 * own `amtool config routes test` must give the same receivers for every alert and a few label sets
 * no rule produces.
 */
describe('routing walk of docs/alerts.md agrees with amtool', () => {
  let dir: string;
  let configFile: string;
  const route = renderedAlertmanagerConfig(ROOT).route;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtv-alert-routes-'));
    configFile = renderAlertmanagerConfigTo(ROOT, dir);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const amtoolReceivers = (labels: Record<string, string>): string[] => {
    const run = runTool(tool('amtool'), [
      'config',
      'routes',
      'test',
      `--config.file=${configFile}`,
      ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
    ]);
    expect(run.status).toBe(0);
    return run.stdout.trim().split(',').filter(Boolean);
  };

  const labelSets: [string, Record<string, string>][] = [
    ...readAlertRules(ROOT).map((r): [string, Record<string, string>] => [
      r.alert,
      { alertname: r.alert, ...r.labels },
    ]),
    ['no severity', { alertname: 'Unrouted' }],
    ['unknown severity', { alertname: 'Unknown', severity: 'info' }],
    ['warning of the database team', { alertname: 'DbWarning', severity: 'warning', team: 'database' }],
    ['critical of the database team', { alertname: 'DbCritical', severity: 'critical', team: 'database' }],
  ];

  it.each(labelSets)('%s', (_name, labels) => {
    expect(receiversFor(route, labels)).toEqual(amtoolReceivers(labels));
  });
});
