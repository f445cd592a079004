import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every committed dashboard, checked by Grafana's own Go types: scripts/grafana-dashboard-check
 * unmarshals it strictly with grafana-foundation-sdk (versions.env GRAFANA_FOUNDATION_SDK_VERSION)
 * and runs the SDK's validation. An unknown field, a wrong type or a missing required field of the
 * dashboard, a panel's options or a query fails. The test command builds the checker
 * (go-tools.sh mtv_ensure_grafana_dashboard_check); a missing build is a failure, not a skip.
 */

const ROOT = join(__dirname, '..', '..');
const DASHBOARD_DIR = join(ROOT, 'monitoring/grafana/dashboards');
const dashboards = readdirSync(DASHBOARD_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(DASHBOARD_DIR, f));

let checker: string;
beforeAll(() => {
  checker = execFileSync(
    'bash',
    ['-c', 'source scripts/lib/go-tools.sh && mtv_grafana_dashboard_check_path'],
    { cwd: ROOT, encoding: 'utf8' },
  ).trim();
  if (!existsSync(checker)) {
    throw new Error(
      `grafana-dashboard-check is not built (${checker}): run the test command, or ` +
        '`source scripts/lib/go-tools.sh && mtv_ensure_grafana_dashboard_check`',
    );
  }
});

const check = (files: readonly string[]) => spawnSync(checker, files, { encoding: 'utf8' });

it('every dashboard unmarshals strictly and validates with grafana-foundation-sdk', () => {
  expect(dashboards.length).toBe(6); // the five agreed dashboards and the SLO dashboard
  const run = check(dashboards);
  expect({ status: run.status, output: run.stdout + run.stderr }).toEqual({
    status: 0,
    output: dashboards.map((f) => `ok ${f}\n`).join(''),
  });
});

describe('the check bites (so a pass above means something)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtv-dashboard-check-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  type Json = Record<string, unknown>;
  const mutated = (name: string, mutate: (board: Json & { panels: Json[] }) => void): string => {
    const board = JSON.parse(readFileSync(dashboards[0], 'utf8')) as Json & { panels: Json[] };
    mutate(board);
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(board));
    return path;
  };

  it.each([
    ['an unknown dashboard field', 'Dashboard: unexpected field', (b: Json) => (b.refreshRate = '30s')],
    ['a wrong type', 'schemaVersion', (b: Json) => (b.schemaVersion = 'forty-two')],
    [
      'a missing required field',
      'schemaVersion: required field is missing',
      (b: Json) => delete b.schemaVersion,
    ],
    [
      "an unknown option of a panel's plugin",
      "unexpected field 'legendd'",
      (b: Json & { panels: Json[] }) => {
        const panel = b.panels.find((p) => p.type === 'timeseries') as Json & { options: Json };
        panel.options.legendd = {};
      },
    ],
  ])('%s is reported', (name, message, mutate) => {
    const run = check([mutated(name.replace(/\W+/g, '-'), mutate)]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(message);
  });
});
