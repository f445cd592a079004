import { connect } from 'node:net';

/** Readiness probes: each answers true/false within its timeout, never throws. */

export async function httpOk(
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 3000,
): Promise<boolean> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
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

export const redisPing = (port: number) => tcpProbe(port, { send: 'PING\r\n', expect: /\+PONG/ });
export const smtpGreeting = (port: number) => tcpProbe(port, { expect: /^220/ });
