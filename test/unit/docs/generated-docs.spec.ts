import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRIC_DEFINITIONS } from '@infrastructure/metrics';
import { readAlertRules } from '../../../scripts/docs/sources.ts';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * docs/metrics.md and docs/alerts.md are generated from the catalogue, the rules and the routing
 * tree; the committed files must be exactly what `npm run docs` writes. The generator runs as users
 * run it (a Node process: prettier, which formats the output, cannot load inside jest's sandbox).
 */
describe('generated docs', () => {
  it('are up to date (`npm run docs -- --check`; run `npm run docs` to regenerate)', () => {
    const run = spawnSync(
      process.execPath,
      ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', 'scripts/docs/cli.ts', '--check'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect({ status: run.status, output: `${run.stderr}${run.stdout}`.trim() }).toEqual({
      status: 0,
      output: 'docs: 2 generated documents, 0 out of date',
    });
  });

  it('list every catalogue metric and every alert', () => {
    const metrics = readFileSync(join(ROOT, 'docs/metrics.md'), 'utf8');
    for (const m of METRIC_DEFINITIONS) expect(metrics).toContain(`\`${m.name}\``);
    // A closed set that already holds `other` (registration source, device type) lists it once.
    expect(metrics).not.toContain('`other`, or `other`');
    const alerts = readFileSync(join(ROOT, 'docs/alerts.md'), 'utf8');
    const rules = readAlertRules(ROOT);
    expect(rules.length).toBeGreaterThan(0);
    for (const a of rules) expect(alerts).toContain(`[${a.alert}]`);
  });
});
