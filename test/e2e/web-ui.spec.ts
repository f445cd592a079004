import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Stack } from '../../scripts/stack/stack.ts';
import { HeadlessBrowser, type WebTarget } from '../support/browser';
import { REPO_ROOT, alertmanagerUrl, promUrl, startTestStack, stopTestStack } from '../support/stack';
import { BASIC_AUTH_USER } from '../../scripts/stack/components.ts';
import { waitFor } from '../support/wait';
import { version } from '../../scripts/lib/versions.ts';
import { cadvisorBinary } from '../../scripts/stack/components.ts';

/**
 * The web UIs the troubleshooting guide sends users to, on the native stack, in headless Chromium:
 * Prometheus's /targets and /alerts (the Mantine bundle built from the module's web/ui and served
 * from the cached assets directory) and Alertmanager's /#/status (embedded in its binary). Each
 * check reads what the page SHOWS, not the API behind it; a screenshot of each page is kept under
 * test-artifacts/web-ui/. Where each server is reached is a WebTarget (base URL, CA file,
 * credentials), so the same checks run over HTTPS with authentication by changing only those.
 */
jest.setTimeout(5 * 60_000);

let stack: Stack | undefined;
let browser: HeadlessBrowser | undefined;
let prometheus: WebTarget;
let alertmanager: WebTarget;

interface ApiTarget {
  scrapePool: string;
  scrapeUrl: string;
  health: string;
}

/** The alert names of the shipped rule files (the source, not what Prometheus loaded). */
function shippedAlertNames(): string[] {
  const dir = join(REPO_ROOT, 'monitoring', 'prometheus', 'rules');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => {
      const doc = parse(readFileSync(join(dir, f), 'utf8')) as { groups: { rules: { alert?: string }[] }[] };
      return doc.groups.flatMap((g) => g.rules.flatMap((r) => (r.alert ? [r.alert] : [])));
    });
}

beforeAll(async () => {
  stack = await startTestStack();
  // Over HTTPS with the stack's CA and basic auth, as a user reaches them.
  const password = (secret: string) => readFileSync(join(stack!.layout.secrets, secret), 'utf8');
  const caFile = stack.tls.caFile;
  prometheus = {
    baseUrl: promUrl(stack).url,
    caFile,
    credentials: { username: BASIC_AUTH_USER, password: password('prometheus_basic_auth_password') },
  };
  alertmanager = {
    baseUrl: alertmanagerUrl(stack),
    caFile,
    credentials: { username: BASIC_AUTH_USER, password: password('alertmanager_basic_auth_password') },
  };
  browser = await HeadlessBrowser.launch([caFile]);
});

afterAll(async () => {
  await browser?.close();
  await stopTestStack(stack);
});

it('Prometheus /targets lists every scrape target, each up', async () => {
  // Every target scraped once (up), so the page shows final states.
  const targets = await waitFor(
    'every Prometheus target up',
    async () => {
      const res = await fetch(`${prometheus.baseUrl}/api/v1/targets?state=active`, {
        headers: promUrl(stack!).headers,
      });
      const body = (await res.json()) as {
        data: { activeTargets: ApiTarget[] };
      };
      const active = body.data.activeTargets;
      return active.length > 0 && active.every((t) => t.health === 'up') && active;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
  const pools = [...new Set(targets.map((t) => t.scrapePool))];
  // Every job of the shipped prometheus.yml has its targets, except cAdvisor where it is not built
  // here (scripts/stack/README.md): its pool is empty and the page hides empty pools.
  const shippedJobs = (
    parse(readFileSync(join(REPO_ROOT, 'monitoring', 'prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string }[];
    }
  ).scrape_configs.map((c) => c.job_name);
  expect(shippedJobs.filter((job) => !pools.includes(job))).toEqual(
    cadvisorBinary(REPO_ROOT) ? [] : ['cadvisor'],
  );

  // The page shows a target's endpoint without its query string (the blackbox probe's module and
  // target parameters are shown as separate badges).
  const endpoints = targets.map((t) => {
    const url = new URL(t.scrapeUrl);
    return `${url.origin}${url.pathname}`;
  });
  const shown = (text: string) =>
    endpoints.every((e) => text.includes(e)) && pools.every((p) => text.includes(p));
  const page = await browser!.visibleText(prometheus, '/targets', 'prometheus-targets', shown);

  expect(page.status).toBe(200);
  expect({ missing: endpoints.filter((e) => !page.text.includes(e)) }).toEqual({
    missing: [],
  });
  expect({ missingPools: pools.filter((p) => !page.text.includes(p)) }).toEqual({ missingPools: [] });
  // No target shown as down or unknown.
  expect(page.text).not.toMatch(/\bDOWN\b|\bUNKNOWN\b/);
});

it('Prometheus /alerts lists every alert rule of the shipped rule files', async () => {
  const alerts = shippedAlertNames();
  expect(alerts.length).toBeGreaterThan(10);
  const page = await browser!.visibleText(prometheus, '/alerts', 'prometheus-alerts', (text) =>
    alerts.every((a) => text.includes(a)),
  );
  expect(page.status).toBe(200);
  expect({ missing: alerts.filter((a) => !page.text.includes(a)) }).toEqual({ missing: [] });
});

it("Alertmanager's /#/status shows its version, the cluster state and the loaded config", async () => {
  const release = version(REPO_ROOT, 'ALERTMANAGER_VERSION');
  // Receivers of the rendered config, as the status page prints the config it runs.
  const receivers = ['critical-alerts', 'security-team', 'database-team', 'payments-team'];
  const page = await browser!.visibleText(
    alertmanager,
    '/#/status',
    'alertmanager-status',
    (text) => text.includes(release) && receivers.every((r) => text.includes(r)),
  );
  expect(page.status).toBe(200);
  expect(page.text).toContain('Uptime');
  expect(page.text).toContain('Cluster Status');
  expect(page.text).toMatch(new RegExp(`Version\\s*:?\\s*${release.replace(/\./g, '\\.')}`));
  expect({ missing: receivers.filter((r) => !page.text.includes(r)) }).toEqual({ missing: [] });
});
