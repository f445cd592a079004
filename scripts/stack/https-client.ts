import { request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';

/**
 * One HTTP(S) request with the stack's CA and credentials (node:https: a CA per request, which the
 * global fetch cannot take without a second undici). Used by the stack's probes, `status`, and the
 * end-to-end tests. Never throws for an HTTP status; rejects on connection/TLS errors and timeouts.
 */
export interface RequestOptions {
  /** PEM of the CA to trust (only it: a server certificate from another CA is refused). */
  readonly ca?: string | Buffer;
  readonly basicAuth?: { readonly user: string; readonly password: string };
  readonly bearer?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly timeoutMs?: number;
}

export interface Response {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

export function httpRequestText(url: string, options: RequestOptions = {}): Promise<Response> {
  const u = new URL(url);
  const headers: Record<string, string> = { ...options.headers };
  if (options.basicAuth)
    headers.authorization = `Basic ${Buffer.from(`${options.basicAuth.user}:${options.basicAuth.password}`).toString('base64')}`;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.body !== undefined) headers['content-length'] = String(Buffer.byteLength(options.body));
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      u,
      {
        method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
        headers,
        ...(u.protocol === 'https:' ? { ca: options.ca, agent: false } : { agent: false }),
        timeout: options.timeoutMs ?? 5000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${url}: timed out`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** JSON body of a 2xx answer; throws with the status and body otherwise. */
export async function httpJson<T>(url: string, options: RequestOptions = {}): Promise<T> {
  const res = await httpRequestText(url, options);
  if (res.status < 200 || res.status >= 300)
    throw new Error(`${url}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
  return JSON.parse(res.body) as T;
}
