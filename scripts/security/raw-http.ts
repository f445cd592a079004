/**
 * One HTTP request sent exactly as given (method, raw path, headers, body bytes, no encoding or
 * decoding on the client side), for the hostile-input replay and the fuzz test. Erasable TypeScript
 * only: Node runs it directly (type stripping) and jest through swc.
 */
import { Agent, request } from 'node:http';

export interface RawRequest {
  readonly method: string;
  /** Path and query, sent as written (already percent-encoded, or deliberately not). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** A request that got no complete response within its time: the server hung on it. */
export class HangError extends Error {
  override readonly name = 'HangError';
}

// One connection per request: a server that answers before reading a hostile body closes that
// connection, and a kept-alive socket reused after it would fail the next request for the wrong reason.
const agent = new Agent({ keepAlive: false, maxSockets: 8 });

/** Sends `req` to `baseUrl` (http://host:port); rejects with HangError after `timeoutMs` without a full answer. */
export function sendRaw(baseUrl: string, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...req.headers };
    if (req.body) headers['content-length'] = String(req.body.byteLength);
    const r = request(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', fail);
      },
    );
    const timer = setTimeout(() => {
      r.destroy(
        new HangError(`${req.method} ${req.path.slice(0, 120)}: no complete answer in ${timeoutMs} ms`),
      );
    }, timeoutMs);
    function fail(error: Error): void {
      clearTimeout(timer);
      reject(error);
    }
    r.on('error', fail);
    r.end(req.body);
  });
}

/** Closes the agent's sockets (at the end of a run, so the process can exit at once). */
export function closeRawConnections(): void {
  agent.destroy();
}
