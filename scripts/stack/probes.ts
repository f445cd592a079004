import { connect } from 'node:net';
import { httpRequestText, type RequestOptions } from './https-client.ts';

/** Readiness probes: each answers true/false within its timeout, never throws. */

export async function httpOk(url: string, options: RequestOptions = {}): Promise<boolean> {
  try {
    const res = await httpRequestText(url, { timeoutMs: 3000, ...options });
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/** Sends `send` (if any) on a TCP connection and resolves true when the reply matches `expect`. */
export function tcpProbe(
  port: number,
  options: { send?: string; expect?: RegExp; timeoutMs?: number } = {},
): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(options.timeoutMs ?? 3000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (options.send) socket.write(options.send);
      if (!options.expect) done(true);
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      if (options.expect?.test(received)) done(true);
    });
  });
}

/** Redis answers PING for an ACL user (AUTH first: the default user is off). */
export const redisPing = (port: number, user: string, password: string) =>
  tcpProbe(port, {
    send: `AUTH ${user} ${password}\r\nPING\r\n`,
    expect: /\+PONG/,
  });
export const smtpGreeting = (port: number) => tcpProbe(port, { expect: /^220/ });
