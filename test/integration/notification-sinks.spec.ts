import { expect } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { join } from 'node:path';
import { loadRules, RULES_DIR } from '../support/known-metrics';
import { freePort } from '../support/ports';
import { ManagedProcess, stopAll } from '../support/processes';
import { runTool, tool } from '../support/tools';
import { waitFor, waitForHttp } from '../support/wait';
import {
  MAX_WEBHOOK_BODY_BYTES,
  readNotifications,
  startNotificationSinks,
  type Email,
  type NotificationSinks,
  type SlackMessage,
} from '../../scripts/stack/notification-sinks';

/**
 * The notification sinks of the native stack, proven with the real delivery path: the shipped
 * Alertmanager config (rendered by scripts/render-alertmanager-config.ts, group_wait and all)
 * running in Alertmanager (versions.env's version) sends plain SMTP to the SMTP sink and Slack JSON to the
 * webhook sink; each notification lands in the right team's mailbox / channel with the alert's
 * summary and runbook link. Plus the webhook's refusals and the CLI's lifecycle.
 */
const ROOT = join(__dirname, '..', '..');
const RENDERER = join(ROOT, 'scripts', 'render-alertmanager-config.ts');
const RUNBOOK_BASE_URL = 'https://git.example.com/mytelevision/api/-/blob/main';
/** The absolute runbook link Prometheus makes of a rule's annotation (its external label expanded). */
const runbookOf = (annotation: string) =>
  annotation.replace('{{ $externalLabels.runbook_base_url }}', RUNBOOK_BASE_URL);
const SLACK_PATH = '/services/T000/B000/sinktest';

/** One address per receiver, so the envelope shows which receiver sent each e-mail. */
const TEAM_EMAIL = {
  critical: 'oncall@example.com',
  warning: 'api-team@example.com',
  database: 'dba@example.com',
  security: 'security@example.com, ciso@example.com',
  payments: 'payments@example.com',
  default: 'ops@example.com',
};

interface Rule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
/** The alerting rule as shipped: its labels route it, its annotations fill the notification. */
function shippedRule(name: string): Required<Rule> {
  const rules = (loadRules(join(RULES_DIR, 'alerts.yml')).groups ?? []).flatMap(
    (g) => (g.rules ?? []) as Rule[],
  );
  const rule = rules.find((r) => r.alert === name);
  if (!rule?.labels || !rule.annotations) throw new Error(`alert ${name} not found in alerts.yml`);
  return rule as Required<Rule>;
}

/** What each alert must produce, from the team's routing table (not derived from the config). */
const CASES = [
  {
    alert: 'PossibleBruteForce',
    to: ['security@example.com', 'ciso@example.com'],
    channel: '#team-security',
  },
  { alert: 'PaymentFailuresHigh', to: ['payments@example.com'], channel: '#team-payments' },
  { alert: 'APIDown', to: ['oncall@example.com'], channel: '#alerts-critical' },
];

let dir: string;
let sinks: NotificationSinks | undefined;
let alertmanagerUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mtv-sinks-'));
  sinks = await startNotificationSinks({ dir: join(dir, 'spool'), log: () => undefined });
  writeFileSync(join(dir, 'slack_webhook_url'), `http://127.0.0.1:${sinks.webhookPort}${SLACK_PATH}`);
  writeFileSync(join(dir, 'smtp_password'), 'unused-no-smtp-user');
  const render = runTool(
    process.execPath,
    ['--disable-warning=MODULE_TYPELESS_PACKAGE_JSON', RENDERER, '--out-dir', join(dir, 'am')],
    {
      env: {
        PATH: process.env.PATH ?? '',
        SMTP_HOST: `127.0.0.1:${sinks.smtpPort}`,
        SMTP_FROM: 'alertmanager@example.com',
        SMTP_REQUIRE_TLS: 'false',
        SMTP_PASSWORD_FILE: join(dir, 'smtp_password'),
        SLACK_WEBHOOK_URL_FILE: join(dir, 'slack_webhook_url'),
        ALERT_EMAIL_CRITICAL: TEAM_EMAIL.critical,
        ALERT_EMAIL_WARNING: TEAM_EMAIL.warning,
        ALERT_EMAIL_DATABASE: TEAM_EMAIL.database,
        ALERT_EMAIL_SECURITY: TEAM_EMAIL.security,
        ALERT_EMAIL_PAYMENTS: TEAM_EMAIL.payments,
        ALERT_EMAIL_DEFAULT: TEAM_EMAIL.default,
        RUNBOOK_BASE_URL,
      },
    },
  );
  if (render.status !== 0) throw new Error(`renderer failed:\n${render.output}`);
  const port = await freePort();
  const am = new ManagedProcess('alertmanager', tool('alertmanager'), [
    `--config.file=${join(dir, 'am', 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
  ]);
  alertmanagerUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${alertmanagerUrl}/-/ready`, { timeoutMs: 30_000 }).catch((e: Error) => {
    throw new Error(`${e.message}\n${am.output()}`);
  });
}, 60_000);

afterAll(async () => {
  await stopAll();
  await sinks?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Alertmanager → notification sinks (real delivery path)', () => {
  let emails: Email[];
  let slack: SlackMessage[];

  beforeAll(async () => {
    const alerts = CASES.map(({ alert }) => {
      const rule = shippedRule(alert);
      return {
        labels: { alertname: alert, job: 'mytelevision-api', ...rule.labels },
        annotations: {
          summary: rule.annotations.summary,
          description: `${alert} sink test`,
          runbook_url: runbookOf(rule.annotations.runbook_url),
          dashboard_uid: rule.annotations.dashboard_uid,
        },
        generatorURL: 'http://127.0.0.1:9090/graph',
      };
    });
    const posted = await fetch(`${alertmanagerUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    expect(posted.status).toBe(200);
    // The shipped route waits group_wait (30s) before the first notification of a group.
    ({ emails, slack } = await waitFor(
      'one e-mail and one Slack message per alert',
      async () => {
        const got = await readNotifications(join(dir, 'spool'));
        return got.emails.length >= CASES.length && got.slack.length >= CASES.length && got;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    ));
  }, 120_000);

  it.each(CASES)('$alert: an e-mail to its team with the summary and the runbook link', ({ alert, to }) => {
    const rule = shippedRule(alert);
    const mine = emails.filter((e) => e.subject.includes(alert));
    expect(mine).toHaveLength(1);
    const [email] = mine;
    expect(email.envelope).toEqual({ from: 'alertmanager@example.com', to });
    expect(email.to).toEqual(to);
    expect(email.from).toBe('alertmanager@example.com');
    expect(email.subject).toBe(`[FIRING:1] ${alert} (${rule.labels.severity})`);
    const runbook = runbookOf(rule.annotations.runbook_url);
    expect(email.text).toContain(rule.annotations.summary);
    expect(email.text).toContain(runbook);
    expect(email.html).toContain(`href="${runbook}"`);
    expect(Date.parse(email.receivedAt)).not.toBeNaN();
  });

  it.each(CASES)(
    '$alert: a Slack message to its channel with the summary and the runbook link',
    ({ alert, channel }) => {
      const rule = shippedRule(alert);
      type Payload = { channel: string; attachments: Array<{ title: string; text: string }> };
      const mine = slack.filter((m) => (m.payload as Payload).attachments?.[0]?.title.includes(alert));
      expect(mine).toHaveLength(1);
      const [message] = mine;
      const payload = message.payload as Payload;
      expect(message.path).toBe(SLACK_PATH);
      expect(payload.channel).toBe(channel);
      expect(payload.attachments[0].title).toBe(`[FIRING:1] ${alert} (${rule.labels.severity})`);
      expect(payload.attachments[0].text).toContain(rule.annotations.summary);
      expect(payload.attachments[0].text).toContain(`<${runbookOf(rule.annotations.runbook_url)}|Runbook>`);
    },
  );

  it('returns each list sorted by receivedAt', () => {
    for (const list of [emails, slack]) {
      const times = list.map((m) => m.receivedAt);
      expect(times).toEqual([...times].sort());
    }
  });
});

describe('webhook sink refusals', () => {
  let local: NotificationSinks;
  let base: string;
  const logged: string[] = [];

  beforeAll(async () => {
    local = await startNotificationSinks({ dir: join(dir, 'refusals'), log: (l) => logged.push(l) });
    base = `http://127.0.0.1:${local.webhookPort}`;
  });
  afterAll(() => local.stop());

  it('answers 400 to a body that is not JSON and 413 to one over 1 MiB, writes neither, and keeps serving', async () => {
    const notJson = await fetch(`${base}/hook`, { method: 'POST', body: '{"text": nope' });
    expect({ status: notJson.status, body: await notJson.text() }).toEqual({
      status: 400,
      body: 'invalid_payload',
    });
    const big = JSON.stringify({ text: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES) });
    const tooLarge = await fetch(`${base}/hook`, { method: 'POST', body: big });
    expect(tooLarge.status).toBe(413);
    const get = await fetch(`${base}/hook`);
    expect(get.status).toBe(405);
    expect(readdirSync(join(dir, 'refusals', 'slack'))).toEqual([]);

    const fine = await fetch(`${base}/services/a/b`, {
      method: 'POST',
      body: JSON.stringify({ text: 'still here' }),
    });
    expect({ status: fine.status, body: await fine.text() }).toEqual({ status: 200, body: 'ok' });
    const { slack } = await readNotifications(join(dir, 'refusals'));
    expect(slack).toEqual([
      { receivedAt: expect.any(String), path: '/services/a/b', payload: { text: 'still here' } },
    ]);
    expect(logged.join('\n')).toContain('body is not JSON');
  });

  it('readNotifications of a directory the sinks never wrote is empty', async () => {
    expect(await readNotifications(join(dir, 'nothing-here'))).toEqual({ emails: [], slack: [] });
  });
});

/** The SMTP reply code to AUTH PLAIN with `password`, after EHLO (a raw SMTP dialogue). */
async function authReply(port: number, password: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (chunk: string) => (buffer += chunk));
  const reply = async (code: RegExp) => {
    const line = await waitFor(`an SMTP reply ${code}`, () => {
      const m = buffer.split('\r\n').find((l) => /^\d{3} /.test(l));
      return m ?? false;
    });
    buffer = '';
    if (!code.test(line)) throw new Error(`unexpected SMTP reply ${line}`);
    return line;
  };
  try {
    await reply(/^220 /);
    socket.write('EHLO test\r\n');
    await reply(/^250 /);
    socket.write(`AUTH PLAIN ${Buffer.from(`\0alertmanager\0${password}`).toString('base64')}\r\n`);
    return (await reply(/^\d{3} /)).slice(0, 3);
  } finally {
    socket.destroy();
  }
}

describe('SMTP sink with a password (a relay refusing a wrong one)', () => {
  let sink: Awaited<ReturnType<typeof startNotificationSinks>>;
  beforeAll(async () => {
    sink = await startNotificationSinks({
      dir: join(dir, 'auth-spool'),
      smtpPassword: 'right',
      log: () => undefined,
    });
  });
  afterAll(async () => sink.stop());

  it('accepts the right password (235) and refuses a wrong one (535)', async () => {
    expect(await authReply(sink.smtpPort, 'right')).toBe('235');
    expect(await authReply(sink.smtpPort, 'wrong')).toBe('535');
  });
});

/** A line-by-line SMTP dialogue on `socket`: each call sends `command` (if any) and returns the final reply line. */
function smtpDialogue(socket: Socket | import('node:tls').TLSSocket) {
  socket.setEncoding('utf8');
  let buffer = '';
  socket.on('data', (chunk: string) => (buffer += chunk));
  return async (command?: string): Promise<string> => {
    if (command !== undefined) socket.write(`${command}\r\n`);
    const line = await waitFor(`an SMTP reply to ${command ?? 'the connection'}`, () => {
      const m = buffer.split('\r\n').find((l) => /^\d{3} /.test(l));
      return m ?? false;
    });
    const all = buffer;
    buffer = '';
    return command === 'EHLO test' ? all : line;
  };
}

describe('SMTP sink with a certificate and a password (STARTTLS required, then AUTH)', () => {
  let sink: Awaited<ReturnType<typeof startNotificationSinks>>;
  let ca: Buffer;
  beforeAll(async () => {
    const tlsDir = join(dir, 'tls');
    execFileSync('bash', [join(ROOT, 'scripts', 'tls', 'make-certs.sh'), tlsDir], { stdio: 'pipe' });
    ca = readFileSync(join(tlsDir, 'ca.crt'));
    sink = await startNotificationSinks({
      dir: join(dir, 'tls-auth-spool'),
      smtpPassword: 'right',
      tls: { cert: readFileSync(join(tlsDir, 'server.crt')), key: readFileSync(join(tlsDir, 'server.key')) },
      log: () => undefined,
    });
  });
  afterAll(async () => sink.stop());

  it('refuses AUTH and MAIL before STARTTLS, then accepts the right password (235) and refuses a wrong one (535)', async () => {
    const plain = connect(sink.smtpPort, '127.0.0.1');
    let secure: import('node:tls').TLSSocket | undefined;
    try {
      const say = smtpDialogue(plain);
      expect(await say()).toMatch(/^220 /);
      expect(await say('EHLO test')).toMatch(/STARTTLS/);
      expect(
        (await say(`AUTH PLAIN ${Buffer.from('\0alertmanager\0right').toString('base64')}`)).slice(0, 3),
      ).toBe('538');
      expect((await say('MAIL FROM:<a@example.com>')).slice(0, 3)).toBe('530');
      expect(await say('STARTTLS')).toMatch(/^220 /);
      plain.removeAllListeners('data');
      secure = connectTls({ socket: plain, ca, servername: 'localhost' });
      await new Promise<void>((resolve, reject) =>
        secure!.once('secureConnect', resolve).once('error', reject),
      );
      const sayTls = smtpDialogue(secure);
      expect(await sayTls('EHLO test')).toMatch(/AUTH PLAIN LOGIN/);
      const auth = (password: string) =>
        sayTls(`AUTH PLAIN ${Buffer.from(`\0alertmanager\0${password}`).toString('base64')}`);
      expect((await auth('wrong')).slice(0, 3)).toBe('535');
      expect((await auth('right')).slice(0, 3)).toBe('235');
    } finally {
      secure?.destroy();
      plain.destroy();
    }
  });
});

describe('CLI', () => {
  it('prints its ports, delivers, and exits 0 on SIGTERM', async () => {
    const spool = join(dir, 'cli');
    const cli = new ManagedProcess(
      'notification-sinks',
      process.execPath,
      ['scripts/stack/notification-sinks.ts', '--dir', spool, '--smtp-port', '0', '--webhook-port', '0'],
      { cwd: ROOT },
    );
    const line = await cli.waitForLine(/^notification-sinks: smtp /);
    const match = /smtp 127\.0\.0\.1:(\d+) webhook http:\/\/127\.0\.0\.1:(\d+) dir /.exec(line);
    expect(match).not.toBeNull();
    const posted = await fetch(`http://127.0.0.1:${match![2]}/x`, { method: 'POST', body: '{"text":"cli"}' });
    expect(posted.status).toBe(200);
    expect((await readNotifications(spool)).slack.map((m) => m.payload)).toEqual([{ text: 'cli' }]);
    expect(await cli.stop('SIGTERM')).toBe(0);
  });
});
