/**
 * What the generated docs are made from, read as data: the alerting rules (every
 * monitoring/prometheus/rules/*.yml) and the Alertmanager configuration as the renderer writes it
 * from the example values of .env.example (the same config the stack and compose load).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { RouteConfig } from './alert-routing.ts';

export interface AlertRule {
  /** Rule file name, e.g. alerts.yml. */
  readonly file: string;
  readonly group: string;
  readonly alert: string;
  readonly expr: string;
  /** As written (`1m`); undefined: fires at the first evaluation. */
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

interface RuleFile {
  groups?: { name: string; rules?: (Partial<Omit<AlertRule, 'file' | 'group'>> & { record?: string })[] }[];
}

export const RULES_DIR = 'monitoring/prometheus/rules';

/** Every alerting rule, in file and group order. */
export function readAlertRules(root: string): AlertRule[] {
  const dir = join(root, RULES_DIR);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
  return files.flatMap((file) => {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as RuleFile | null;
    return (doc?.groups ?? []).flatMap((group) =>
      (group.rules ?? [])
        .filter((r) => typeof r.alert === 'string')
        .map((r) => ({
          file,
          group: group.name,
          alert: r.alert as string,
          expr: String(r.expr ?? '').trim(),
          for: r.for,
          labels: r.labels ?? {},
          annotations: r.annotations ?? {},
        })),
    );
  });
}

export interface EmailConfig {
  readonly to: string;
}
export interface SlackConfig {
  readonly channel: string;
}
export interface ReceiverConfig {
  readonly name: string;
  readonly email_configs?: readonly EmailConfig[];
  readonly slack_configs?: readonly SlackConfig[];
}
export interface InhibitRule {
  readonly source_matchers?: readonly string[];
  readonly target_matchers?: readonly string[];
  readonly equal?: readonly string[];
}
export interface AlertmanagerConfig {
  readonly route: RouteConfig;
  readonly receivers: readonly ReceiverConfig[];
  readonly inhibit_rules?: readonly InhibitRule[];
}

/** KEY=VALUE lines of .env.example (comments and blank lines skipped). */
export function exampleEnv(root: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(join(root, '.env.example'), 'utf8').split('\n')) {
    const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/** The renderer of the Alertmanager configuration, run as its users run it. */
export const ALERTMANAGER_RENDERER = 'scripts/render-alertmanager-config.ts';

/** Renders the Alertmanager configuration with the example values into `outDir`; returns the config file. */
export function renderAlertmanagerConfigTo(root: string, outDir: string): string {
  const args = [
    '--disable-warning=MODULE_TYPELESS_PACKAGE_JSON',
    join(root, ALERTMANAGER_RENDERER),
    '--out-dir',
    outDir,
  ];
  const run = spawnSync(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env.PATH, ...exampleEnv(root) },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`${ALERTMANAGER_RENDERER} failed: ${run.stderr}${run.stdout}`);
  return join(outDir, 'alertmanager.yml');
}

/** The Alertmanager configuration rendered with the example values (in a temporary dir, then removed). */
export function renderedAlertmanagerConfig(root: string): AlertmanagerConfig {
  const outDir = mkdtempSync(join(tmpdir(), 'mtv-docs-alertmanager-'));
  try {
    return parse(readFileSync(renderAlertmanagerConfigTo(root, outDir), 'utf8')) as AlertmanagerConfig;
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
