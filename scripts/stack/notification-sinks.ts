/**
 * Local stand-ins for the two places Alertmanager delivers to (e-mail and Slack), so that the native
 * stack and the end-to-end tests can see every notification without any outside service:
 *
 *  - an SMTP server (smtp-server) that, given a certificate (`tls`), offers STARTTLS and refuses mail
 *    before it (Alertmanager renders `smtp_require_tls: true`); given an AUTH password read at start
 *    (`--smtp-password-file`) it advertises AUTH and refuses a wrong one with 535, as a real relay
 *    does; it writes each message, parsed by mailparser, to `<dir>/email/<timestamp>-<n>.json`;
 *  - a Slack-compatible webhook (node:https with `tls`, else node:http): POST to any path answers
 *    `200 ok` like Slack does and writes the JSON body to `<dir>/slack/<timestamp>-<n>.json`.
 *
 * Files are written atomically (temp file + rename), so a reader never sees half a message.
 * Loopback only by default. Run directly it is a small daemon:
 *
 *   node scripts/stack/notification-sinks.ts --dir D --smtp-port N --webhook-port M [--host H]
 *        [--tls-cert server.crt --tls-key server.key]
 *
 * Erasable TypeScript only: Node runs it through type stripping, jest through swc.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';

/** Largest accepted webhook body (Slack's own limit is far below; Alertmanager's payloads are KiB). */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;
/** Largest accepted e-mail (advertised with the SIZE extension; alert e-mails are a few KiB). */
export const MAX_EMAIL_BYTES = 10 * 1024 * 1024;

export interface Email {
  readonly receivedAt: string;
  /** What the client said in MAIL FROM / RCPT TO: the real delivery addresses. */
  readonly envelope: { readonly from: string; readonly to: string[] };
  /** What the message's headers say. */
  readonly from: string;
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface SlackMessage {
  readonly receivedAt: string;
  readonly path: string;
  readonly payload: unknown;
}

export interface Notifications {
  readonly emails: Email[];
  readonly slack: SlackMessage[];
}

export interface NotificationSinksOptions {
  /** Interface to listen on (default 127.0.0.1: the webhook has no auth and must stay local). */
  readonly host?: string;
  /** 0 (default) picks a free port; the actual one is returned. */
  readonly smtpPort?: number;
  readonly webhookPort?: number;
  /** Where `email/` and `slack/` are written (created if missing). */
  readonly dir: string;
  /**
   * When set, the SMTP sink advertises AUTH (PLAIN, LOGIN; after STARTTLS when `tls` is set) and refuses other
   * credentials with 535, as a relay does on a wrong password; clients that do not authenticate
   * still deliver.
   */
  readonly smtpPassword?: string;
  /** Called with one line per problem (bad body, parse failure); default: stderr. */
  readonly log?: (line: string) => void;
  /** PEM certificate and key: the webhook serves HTTPS and SMTP requires STARTTLS. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
}

export interface NotificationSinks {
  readonly host: string;
  readonly smtpPort: number;
  readonly webhookPort: number;
  readonly dir: string;
  /** Closes both servers and waits for the messages being written. */
  stop(): Promise<void>;
}

const EMAIL_DIR = 'email';
const SLACK_DIR = 'slack';

/** Writes `value` as `<dir>/<timestamp>-<n>.json` through a temp file and a rename (atomic). */
class JsonSpool {
  private count = 0;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  async write(value: unknown): Promise<string> {
    this.count += 1;
    // Millisecond timestamp first, then a sequence number: names sort in arrival order.
    const name = `${Date.now()}-${String(this.count).padStart(6, '0')}.json`;
    const temp = join(this.dir, `.${name}.tmp`);
    await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(temp, join(this.dir, name));
    return name;
  }
}

function addressList(field: AddressObject | AddressObject[] | undefined): string[] {
  const objects = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return objects.flatMap((o) => o.value.flatMap((a) => (a.address ? [a.address] : [])));
}

function envelopeAddress(address: SMTPServerAddress | false): string {
  return address ? address.address : '';
}

async function startSmtp(
  host: string,
  port: number,
  spool: JsonSpool,
  log: (line: string) => void,
  track: (p: Promise<unknown>) => void,
  tls: NotificationSinksOptions['tls'],
  password: string | undefined,
) {
  // Without a password no AUTH is advertised, so a client with or without credentials delivers.
  const disabledCommands = [...(password === undefined ? ['AUTH'] : []), ...(tls ? [] : ['STARTTLS'])];
  const server = new SMTPServer({
    // With a certificate, STARTTLS is offered and MAIL FROM before it is refused (as a TLS-only relay
    // does); AUTH then needs TLS first. Without one (unit tests) AUTH is allowed in plain text.
    secure: false,
    ...(tls ? { key: tls.key, cert: tls.cert } : { hideSTARTTLS: true, allowInsecureAuth: true }),
    disabledCommands,
    authOptional: true,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (password !== undefined && auth.password === password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(
      _address: SMTPServerAddress,
      session: SMTPServerSession,
      callback: (err?: Error | null) => void,
    ) {
      if (tls && !session.secure)
        return callback(
          Object.assign(new Error('Must issue a STARTTLS command first'), { responseCode: 530 }),
        );
      callback();
    },
    disableReverseLookup: true,
    size: MAX_EMAIL_BYTES,
    logger: false,
    banner: 'MyTelevision notification sink',
    // stop() must not wait 30 s (the default) for an idle client to say QUIT.
    closeTimeout: 1000,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const receivedAt = new Date().toISOString();
      const done = simpleParser(stream)
        .then(async (mail) => {
          if (stream.sizeExceeded)
            throw Object.assign(new Error('message exceeds the size limit'), { responseCode: 552 });
          const email: Email = {
            receivedAt,
            envelope: {
              from: envelopeAddress(session.envelope.mailFrom),
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            from: addressList(mail.from)[0] ?? '',
            to: addressList(mail.to),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          };
          await spool.write(email);
          callback();
        })
        .catch((error: Error) => {
          log(`notification-sinks: e-mail refused: ${error.message}`);
          callback(error);
        });
      track(done);
    },
  });
  server.on('error', (error) => log(`notification-sinks: smtp: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.server.address() as AddressInfo).port;
  return { port: actual, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

function handleWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  spool: JsonSpool,
  log: (line: string) => void,
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'POST') {
    req.resume();
    reply(res, 405, 'method not allowed', { allow: 'POST' });
    return Promise.resolve();
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_WEBHOOK_BODY_BYTES) {
    // Refuse before reading; close the connection rather than drain a body we will not keep.
    reply(res, 413, 'payload too large', { connection: 'close' });
    req.resume();
    return Promise.resolve();
  }
  return new Promise<void>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > MAX_WEBHOOK_BODY_BYTES) {
        tooLarge = true;
        chunks.length = 0;
        reply(res, 413, 'payload too large', { connection: 'close' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => resolve());
    req.on('end', () => {
      if (tooLarge) return resolve();
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        log(`notification-sinks: webhook ${path}: body is not JSON (${size} bytes)`);
        reply(res, 400, 'invalid_payload');
        return resolve();
      }
      const message: SlackMessage = { receivedAt: new Date().toISOString(), path, payload };
      spool
        .write(message)
        .then(() => reply(res, 200, 'ok'))
        .catch((error: Error) => {
          log(`notification-sinks: webhook write failed: ${error.message}`);
          reply(res, 500, 'write failed');
        })
        .finally(resolve);
    });
  });
}

async function startWebhook(
  host: string,
  port: number,
  spool: JsonSpool,
  log: (line: string) => void,
  track: (p: Promise<unknown>) => void,
  tls: NotificationSinksOptions['tls'],
) {
  const handler = (req: IncomingMessage, res: ServerResponse) => track(handleWebhook(req, res, spool, log));
  const server: Server = tls
    ? createHttpsServer({ key: tls.key, cert: tls.cert }, handler)
    : createServer(handler);
  // Bounded time for a client to send its request, so a stalled one cannot hold stop().
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  return { port: actual, close, server };
}

/** Starts both sinks; port 0 (the default) picks a free port. */
export async function startNotificationSinks(options: NotificationSinksOptions): Promise<NotificationSinks> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emailSpool = new JsonSpool(join(options.dir, EMAIL_DIR));
  const slackSpool = new JsonSpool(join(options.dir, SLACK_DIR));
  await mkdir(emailSpool.dir, { recursive: true });
  await mkdir(slackSpool.dir, { recursive: true });

  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    p.finally(() => pending.delete(p)).catch(() => undefined);
  };

  const smtp = await startSmtp(
    host,
    options.smtpPort ?? 0,
    emailSpool,
    log,
    track,
    options.tls,
    options.smtpPassword,
  );
  let webhook: Awaited<ReturnType<typeof startWebhook>>;
  try {
    webhook = await startWebhook(host, options.webhookPort ?? 0, slackSpool, log, track, options.tls);
  } catch (error) {
    await smtp.close();
    throw error;
  }

  let stopped: Promise<void> | undefined;
  return {
    host,
    smtpPort: smtp.port,
    webhookPort: webhook.port,
    dir: options.dir,
    stop() {
      stopped ??= (async () => {
        await Promise.all([smtp.close(), webhook.close()]);
        await Promise.allSettled([...pending]);
      })();
      return stopped;
    },
  };
}

async function readSpool<T extends { receivedAt: string }>(dir: string): Promise<T[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  const items = await Promise.all(
    files.map(async (name, index) => ({
      index,
      item: JSON.parse(await readFile(join(dir, name), 'utf8')) as T,
    })),
  );
  // receivedAt first; the file order (timestamp + sequence) breaks ties within a millisecond.
  items.sort((a, b) => a.item.receivedAt.localeCompare(b.item.receivedAt) || a.index - b.index);
  return items.map((i) => i.item);
}

/** Every notification the sinks wrote under `dir`, each list sorted by receivedAt. */
export async function readNotifications(dir: string): Promise<Notifications> {
  const [emails, slack] = await Promise.all([
    readSpool<Email>(join(dir, EMAIL_DIR)),
    readSpool<SlackMessage>(join(dir, SLACK_DIR)),
  ]);
  return { emails, slack };
}

interface CliOptions {
  dir: string;
  host: string;
  smtpPort: number;
  webhookPort: number;
  smtpPassword?: string;
  tls?: { cert: Buffer; key: Buffer };
}

function parseCli(argv: readonly string[]): CliOptions {
  const usage =
    'usage: node scripts/stack/notification-sinks.ts --dir D --smtp-port N --webhook-port M [--host H] [--tls-cert F --tls-key F] [--smtp-password-file F]';
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (
      ![
        '--dir',
        '--host',
        '--smtp-port',
        '--webhook-port',
        '--tls-cert',
        '--tls-key',
        '--smtp-password-file',
      ].includes(key) ||
      value === undefined
    ) {
      throw new Error(`${usage}\n(unexpected argument ${JSON.stringify(key)})`);
    }
    values[key] = value;
  }
  const port = (name: string) => {
    const n = Number(values[name] ?? 0);
    if (!Number.isInteger(n) || n < 0 || n > 65535)
      throw new Error(`${name} must be a port number (0 = any free port)`);
    return n;
  };
  if (!values['--dir']) throw new Error(usage);
  if (!values['--tls-cert'] !== !values['--tls-key'])
    throw new Error(`--tls-cert and --tls-key go together\n${usage}`);
  return {
    ...(values['--tls-cert']
      ? { tls: { cert: readFileSync(values['--tls-cert']), key: readFileSync(values['--tls-key']) } }
      : {}),
    dir: values['--dir'],
    host: values['--host'] ?? '127.0.0.1',
    smtpPort: port('--smtp-port'),
    webhookPort: port('--webhook-port'),
    // Read once at start: the password the sink expects from then on.
    smtpPassword:
      values['--smtp-password-file'] === undefined
        ? undefined
        : readFileSync(values['--smtp-password-file'], 'utf8'),
  };
}

async function main(argv: readonly string[]): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCli(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 2;
    return;
  }
  const sinks = await startNotificationSinks(options);
  // One line, parsed by the stack's process supervisor and by tests.
  process.stdout.write(
    `notification-sinks: smtp ${sinks.host}:${sinks.smtpPort}${options.tls ? ' (STARTTLS)' : ''} webhook ${options.tls ? 'https' : 'http'}://${sinks.host}:${sinks.webhookPort} dir ${options.dir}\n`,
  );
  const shutdown = (signal: string) => {
    process.stdout.write(`notification-sinks: ${signal}, closing\n`);
    sinks.stop().then(
      () => process.exit(0),
      (error: Error) => {
        process.stderr.write(`notification-sinks: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

// Run as a program only when it is the entry script (not when jest or the stack imports it).
if (/notification-sinks\.ts$/.test(process.argv[1] ?? '')) {
  main(process.argv.slice(2)).catch((error: Error) => {
    process.stderr.write(`notification-sinks: ${error.message}\n`);
    process.exit(1);
  });
}
