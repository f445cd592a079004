import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import { parse } from 'yaml';
import { loadRules, recordingRuleNames, ruleFiles, RULES_DIR } from '../support/known-metrics';
import { runTool, tool } from '../support/tools';

/**
 * The Prometheus configuration checked by Prometheus's own tool (promtool at versions.env's PROMETHEUS_VERSION):
 * prometheus.yml loads with its target and secret files, every rule file is valid, every unit test
 * passes, and the unit tests cover every alert of every rule file (firing, not yet at the `for:`
 * edge, silent).
 */
const ROOT = join(__dirname, '..', '..');
const PROM_DIR = join(ROOT, 'monitoring', 'prometheus');
const TESTS_DIR = join(PROM_DIR, 'tests');
const RUNBOOKS_DIR = join(ROOT, 'monitoring', 'runbooks');
const promtool = (args: string[], cwd?: string) => runTool(tool('promtool'), args, { cwd });

/**
 * The team's alert tables, typed here, not read from the rules: name, severity, the threshold the
 * expression compares with, the `for:` duration ('' = the table gives none), plus the two earlier
 * example rules kept as alerts of their own (docs/decisions.md#alerts).
 */
const AGREED_ALERTS: ReadonlyArray<{ name: string; severity: string; threshold: string; for: string }> = [
  { name: 'APIDown', severity: 'critical', threshold: '== 0', for: '1m' },
  { name: 'PostgreSQLDown', severity: 'critical', threshold: '== 0', for: '1m' },
  { name: 'RedisDown', severity: 'critical', threshold: '== 0', for: '2m' },
  { name: 'HighCriticalErrorRate', severity: 'critical', threshold: '> 0.05', for: '2m' },
  { name: 'DiskSpaceCritical', severity: 'critical', threshold: '> 0.95', for: '' },
  { name: 'HighErrorRate', severity: 'warning', threshold: '> 0.01', for: '5m' },
  { name: 'HighResponseTime', severity: 'warning', threshold: '> 0.5', for: '5m' },
  { name: 'HighMemoryUsage', severity: 'warning', threshold: '> 0.85', for: '5m' },
  { name: 'HighCPUUsage', severity: 'warning', threshold: '> 0.80', for: '5m' },
  { name: 'DatabaseConnectionsHigh', severity: 'warning', threshold: '> 0.80', for: '' },
  { name: 'PossibleBruteForce', severity: 'security', threshold: '* 60 > 10', for: '' },
  { name: 'HighTokenExpiration', severity: 'security', threshold: '> 50', for: '' },
  { name: 'PaymentFailuresHigh', severity: 'payments', threshold: '> 0.05', for: '' },
  // the earlier example rules
  { name: 'HighLatency', severity: 'warning', threshold: '> 1', for: '10m' },
  { name: 'APIHighMemoryUsage', severity: 'warning', threshold: '/ 1024 / 1024 > 1024', for: '15m' },
];
const DASHBOARD_UIDS = [
  'api-overview',
  'auth-sessions',
  'database-perf',
  'business-metrics',
  'infrastructure',
  'slo',
];
/** Alerts without a dashboard: the heartbeat says nothing a dashboard could show. */
const WITHOUT_DASHBOARD = ['Watchdog'];

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const alertRules: AlertRule[] = (loadRules(join(RULES_DIR, 'alerts.yml')).groups ?? []).flatMap(
  (g) => (g.rules ?? []) as AlertRule[],
);
/** Every alerting rule of every rule file (one alert name may have several rules, e.g. burn-rate windows). */
const allAlertRules: AlertRule[] = ruleFiles()
  .flatMap((f) => loadRules(f).groups ?? [])
  .flatMap((g) => (g.rules ?? []) as AlertRule[])
  .filter((r) => r.alert);
const alertNames = [...new Set(allAlertRules.map((r) => r.alert))].sort();

interface UnitTestFile {
  rule_files: string[];
  group_eval_order?: string[];
  evaluation_interval?: string;
  tests: Array<{
    name?: string;
    alert_rule_test?: Array<{ eval_time: string; alertname: string; exp_alerts?: unknown[] }>;
    promql_expr_test?: Array<{ expr: string }>;
  }>;
}
const testFiles = readdirSync(TESTS_DIR)
  .filter((f) => f.endsWith('.test.yml'))
  .sort();
const unitTests = testFiles.map((f) => parse(readFileSync(join(TESTS_DIR, f), 'utf8')) as UnitTestFile);

const seconds = (d: string) => {
  const m = /^(\d+)(s|m|h|d)$/.exec(d);
  if (!m) throw new Error(`unsupported duration ${d}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
};

/** The parts of Prometheus's configuration file these tests read. */
interface PrometheusConfig {
  global: { scrape_interval: string; external_labels?: Record<string, string> };
  scrape_configs: ScrapeJob[];
  alerting: {
    alertmanagers: Array<{
      scheme?: string;
      tls_config?: unknown;
      file_sd_configs: Array<{ files: string[] }>;
    }>;
    alert_relabel_configs?: unknown[];
  };
}
interface ScrapeJob {
  job_name: string;
  scheme?: string;
  tls_config?: unknown;
  metrics_path?: string;
  params?: unknown;
  authorization?: unknown;
  static_configs?: unknown;
  file_sd_configs: Array<{ files: string[] }>;
}
/** A file_sd targets file: target groups with their labels. */
type TargetGroups = Array<{ targets: string[]; labels?: Record<string, string> }>;
const parseYaml = <T>(path: string) => parse(readFileSync(path, 'utf8')) as T;

describe('prometheus.yml', () => {
  let dir: string;
  const config = parseYaml<PrometheusConfig>(join(PROM_DIR, 'prometheus.yml'));
  const jobs = config.scrape_configs;

  // The native stack's layout: a run directory holding a symlink to the repository's prometheus.yml
  // and rules/, plus its own targets/ and secrets/. Here targets/ is the committed compose one.
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'mtv-prom-'));
    symlinkSync(join(PROM_DIR, 'prometheus.yml'), join(dir, 'prometheus.yml'));
    symlinkSync(join(PROM_DIR, 'rules'), join(dir, 'rules'));
    symlinkSync(join(PROM_DIR, 'targets'), join(dir, 'targets'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('scrapes every 15s the agreed jobs, the liveness probe, the Collector, Alertmanager and itself', () => {
    expect(config.global.scrape_interval).toBe('15s');
    expect(jobs.map((j) => j.job_name).sort()).toEqual(
      [
        'alertmanager',
        'api-liveness',
        'cadvisor',
        'mytelevision-api',
        'node-exporter',
        'otel-collector',
        'otel-collector-internal',
        'postgres',
        'prometheus',
        'redis',
      ].sort(),
    );
  });

  it('takes every address from a committed targets file holding the compose service address', () => {
    const compose: Record<string, string> = {
      'mytelevision-api': 'api:3000',
      'api-liveness': 'https://api:3000/health/live',
      'node-exporter': 'node-exporter:9100',
      postgres: 'postgres-exporter:9187',
      redis: 'redis-exporter:9121',
      cadvisor: 'cadvisor:8080',
      'otel-collector': 'otel-collector:8889',
      'otel-collector-internal': 'otel-collector:8888',
      alertmanager: 'alertmanager:9093',
      prometheus: 'localhost:9090',
    };
    for (const job of jobs) {
      expect({ job: job.job_name, static: job.static_configs }).toEqual({
        job: job.job_name,
        static: undefined,
      });
      const files = job.file_sd_configs.flatMap((c) => c.files);
      expect(files).toEqual([`targets/${job.job_name}.yml`]);
      const groups = parseYaml<TargetGroups>(join(PROM_DIR, files[0]));
      expect({ job: job.job_name, targets: groups[0].targets }).toEqual({
        job: job.job_name,
        targets: [compose[job.job_name]],
      });
    }
    expect(config.alerting.alertmanagers[0].file_sd_configs[0].files).toEqual(['targets/alertmanager.yml']);
  });

  it('reads the API bearer token and basic-auth passwords from files under secrets/, never inline', () => {
    const api = jobs.find((j) => j.job_name === 'mytelevision-api')!;
    expect(api.authorization).toEqual({ type: 'Bearer', credentials_file: 'secrets/metrics_token' });
    const text = readFileSync(join(PROM_DIR, 'prometheus.yml'), 'utf8');
    expect(text).not.toMatch(/^\s*(credentials|password|bearer_token):/m);
    for (const path of secretFiles().filter((p) => !p.startsWith('tls/')))
      expect(path).toMatch(/^secrets\/[a-z_]+$/);
  });

  it('scrapes and alerts over HTTPS, verifying every target against tls/ca.crt (but the Collector’s own telemetry)', () => {
    for (const job of jobs.filter((j) => !['otel-collector-internal', 'cadvisor'].includes(j.job_name)))
      expect([job.job_name, job.scheme, job.tls_config]).toEqual([
        job.job_name,
        'https',
        { ca_file: 'tls/ca.crt' },
      ]);
    const am = config.alerting.alertmanagers[0];
    expect([am.scheme, am.tls_config]).toEqual(['https', { ca_file: 'tls/ca.crt' }]);
    expect(secretFiles().filter((p) => p.startsWith('tls/'))).toEqual(['tls/ca.crt']);
  });

  it('is refused by promtool while a secret file it names is missing', () => {
    const run = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('secrets/');
  });

  it('passes promtool check config with its target and secret files present', () => {
    mkdirSync(join(dir, 'secrets'));
    mkdirSync(join(dir, 'tls'));
    for (const path of secretFiles().filter((p) => p.startsWith('secrets/')))
      writeFileSync(join(dir, path), 'example-not-a-secret\n');
    execFileSync('sh', [join(__dirname, '..', '..', 'scripts', 'tls', 'make-certs.sh'), join(dir, 'tls')], {
      stdio: 'pipe',
    });
    const run = promtool(['check', 'config', 'prometheus.yml'], dir);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
    expect(run.output).toMatch(
      new RegExp(
        `SUCCESS: ${readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml')).length} rule files found`,
      ),
    );
  });

  it("takes the bases of the alerts' links from the environment and keeps them off the alerts sent", () => {
    expect(config.global.external_labels).toEqual({
      runbook_base_url: '${RUNBOOK_BASE_URL}',
      grafana_root_url: '${GRAFANA_ROOT_URL}',
    });
    expect(config.alerting.alert_relabel_configs).toEqual([
      { action: 'labeldrop', regex: 'runbook_base_url|grafana_root_url' },
    ]);
  });

  it("probes the API's liveness route through the blackbox exporter named in the targets file", () => {
    const probe = jobs.find((j) => j.job_name === 'api-liveness')!;
    expect(probe.metrics_path).toBe('/probe');
    expect(probe.params).toEqual({ module: ['http_2xx'] });
    const groups = parseYaml<TargetGroups>(join(PROM_DIR, 'targets', 'api-liveness.yml'));
    expect(groups[0].labels).toEqual({ __blackbox_exporter: 'blackbox-exporter:9115' });
    // The exporter itself over HTTPS + basic auth, like the other exporters.
    expect(probe).toMatchObject({
      scheme: 'https',
      tls_config: { ca_file: 'tls/ca.crt' },
      basic_auth: { username: 'prometheus', password_file: 'secrets/exporters_basic_auth_password' },
    });
    // The probed URL is HTTPS, verified against the stack's CA by the module.
    expect(groups[0].targets).toEqual(['https://api:3000/health/live']);
    const blackbox = parseYaml<{ modules: Record<string, { http?: unknown }> }>(
      join(PROM_DIR, '..', 'blackbox', 'blackbox.yml'),
    );
    expect(blackbox.modules.http_2xx.http).toMatchObject({
      fail_if_not_ssl: true,
      tls_config: { ca_file: 'tls/ca.crt' },
    });
  });

  function secretFiles(): string[] {
    const found = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (/_file$/.test(key) && typeof value === 'string') found.add(value);
          else visit(value);
        }
      }
    };
    visit(config);
    return [...found].sort();
  }
});

describe('rule files', () => {
  it.each(readdirSync(RULES_DIR).filter((f) => f.endsWith('.yml')))('promtool check rules %s', (file) => {
    const run = promtool(['check', 'rules', join(RULES_DIR, file)]);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it.each(testFiles)('promtool test rules tests/%s', (file) => {
    const run = promtool(['test', 'rules', join('tests', file)], PROM_DIR);
    expect({ status: run.status, output: run.output }).toEqual({
      status: 0,
      output: expect.stringContaining('SUCCESS'),
    });
  });

  it('promtool test rules fails when an expectation is wrong (the unit tests can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtv-promtest-'));
    try {
      const original = readFileSync(join(TESTS_DIR, 'alerts.test.yml'), 'utf8');
      // APIDown expected one evaluation too early: before its `for: 1m` has elapsed.
      const broken = original.replace(
        /- eval_time: 2m\n(\s+)alertname: APIDown/,
        '- eval_time: 1m\n$1alertname: APIDown',
      );
      expect(broken).not.toBe(original);
      writeFileSync(join(dir, 'broken.test.yml'), broken.replaceAll('../rules/', `${RULES_DIR}/`));
      const run = promtool(['test', 'rules', join(dir, 'broken.test.yml')]);
      expect(run.status).toBe(1);
      expect(run.output).toContain('alertname: APIDown, time: 1m');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("alerts.yml: the product's alert table", () => {
  it('has every alert of the table (and the two examples), and no other', () => {
    expect(alertRules.map((r) => r.alert).sort()).toEqual(AGREED_ALERTS.map((a) => a.name).sort());
  });

  it.each(AGREED_ALERTS)('$name: severity $severity, threshold "$threshold", for "$for"', (agreed) => {
    const rule = alertRules.find((r) => r.alert === agreed.name)!;
    expect(rule.labels?.severity).toBe(agreed.severity);
    expect(rule.expr.replace(/\s+/g, ' ').trim().endsWith(agreed.threshold)).toBe(true);
    if (agreed.for) expect(rule.for).toBe(agreed.for);
  });

  it.each(allAlertRules.map((r) => [r.alert, r] as const))(
    '%s has summary, description, an absolute runbook link to a runbook in the repo and a dashboard',
    (name, rule) => {
      const a = rule.annotations ?? {};
      expect(a.summary).toEqual(expect.any(String));
      expect(a.description).toEqual(expect.any(String));
      expect(a.runbook_url).toBe(`{{ $externalLabels.runbook_base_url }}/monitoring/runbooks/${name}.md`);
      expect(existsSync(join(RUNBOOKS_DIR, `${name}.md`))).toBe(true);
      if (WITHOUT_DASHBOARD.includes(name)) return;
      expect(DASHBOARD_UIDS).toContain(a.dashboard_uid);
      expect(a.dashboard_url).toBe(`{{ $externalLabels.grafana_root_url }}/d/${a.dashboard_uid}`);
    },
  );

  it.each(allAlertRules.map((r) => [r.alert, r] as const))(
    '%s has a severity Alertmanager routes',
    (_, rule) => {
      expect(['critical', 'warning', 'security', 'payments', 'none']).toContain(rule.labels?.severity);
    },
  );

  it('labels the database alerts for the database team', () => {
    const team = (n: string) => alertRules.find((r) => r.alert === n)?.labels?.team;
    expect([team('PostgreSQLDown'), team('DatabaseConnectionsHigh')]).toEqual(['database', 'database']);
  });

  it('gives HighCriticalErrorRate and HighErrorRate the same symptom (the inhibition key)', () => {
    const symptom = (n: string) => alertRules.find((r) => r.alert === n)?.labels?.symptom;
    expect(symptom('HighCriticalErrorRate')).toEqual(expect.any(String));
    expect(symptom('HighErrorRate')).toBe(symptom('HighCriticalErrorRate'));
  });
});

describe('unit-test coverage', () => {
  const cases = unitTests.flatMap((file) =>
    file.tests.flatMap((group, index) =>
      (group.alert_rule_test ?? []).map((t) => ({
        group: index,
        file,
        ...t,
        firing: (t.exp_alerts ?? []).length > 0,
      })),
    ),
  );

  it.each(allAlertRules.map((r) => [r.alert, r] as const))(
    '%s is tested firing and silent, and at its for: edge',
    (name, rule) => {
      const own = cases.filter((c) => c.alertname === name);
      expect(own.some((c) => c.firing)).toBe(true);
      // Watchdog always fires: it has no silent case.
      if (name !== 'Watchdog') expect(own.some((c) => !c.firing)).toBe(true);
      if (rule.for) {
        // In one test group: silent one evaluation before the first firing expectation.
        const edge = own.some((fire) => {
          if (!fire.firing) return false;
          const interval = seconds(fire.file.evaluation_interval ?? '1m');
          return own.some(
            (quiet) =>
              !quiet.firing &&
              quiet.group === fire.group &&
              quiet.file === fire.file &&
              seconds(quiet.eval_time) === seconds(fire.eval_time) - interval,
          );
        });
        expect(edge).toBe(true);
      }
    },
  );

  it('tests the value of every recording rule', () => {
    const exprs = unitTests.flatMap((f) =>
      f.tests.flatMap((t) => (t.promql_expr_test ?? []).map((p) => p.expr)),
    );
    const untested = recordingRuleNames().filter((name) => !exprs.some((e) => e.includes(name)));
    expect(untested).toEqual([]);
  });

  it.each(testFiles.map((f, i) => [f, unitTests[i]] as const))(
    '%s evaluates every group of its rule files, recording groups before alerting groups (exact for: edges)',
    (_, file) => {
      const groups = file.rule_files.flatMap((f) =>
        (loadRules(join(TESTS_DIR, f)).groups ?? []).map((g) => ({
          name: g.name,
          recording: (g.rules ?? []).every((r) => r.record),
        })),
      );
      const order = file.group_eval_order ?? [];
      expect([...order].sort()).toEqual(groups.map((g) => g.name).sort());
      const lastRecording = Math.max(
        -1,
        ...groups.filter((g) => g.recording).map((g) => order.indexOf(g.name)),
      );
      const alerting = groups.filter((g) => !g.recording).map((g) => order.indexOf(g.name));
      if (alerting.length) expect(lastRecording).toBeLessThan(Math.min(...alerting));
    },
  );

  it('covers every alert name of every rule file', () => {
    const tested = new Set(cases.map((c) => c.alertname));
    expect(alertNames.filter((n) => !tested.has(n))).toEqual([]);
  });
});
