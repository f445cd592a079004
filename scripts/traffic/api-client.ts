/**
 * A small typed client of the API's public contract (docs/architecture.md#the-http-api), shared by
 * the traffic generator, the integration and end-to-end tests and the benchmarks. Plain `fetch`, no
 * framework; erasable TypeScript only, so Node runs it directly (type stripping) and jest through swc.
 */

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresIn: number;
}

export interface ContentItem {
  readonly id: string;
  readonly title: string;
  readonly type: string;
  readonly premium: boolean;
  readonly accessType: 'free' | 'premium';
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Raw body sent as is with a JSON content type (for malformed-input tests). */
  readonly rawBody?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/** Documented sandbox cards of the payment gateway. */
export const TEST_CARDS = { approved: '4242424242424242', declined: '4000000000000002' } as const;

export const API_PREFIX = '/api/v1';

export interface ApiClientOptions {
  /** Aborts every request of this client when it fires (the traffic generator's deadline). */
  readonly signal?: AbortSignal;
}

export class ApiClient {
  readonly baseUrl: string;
  private readonly signal: AbortSignal | undefined;

  constructor(baseUrl: string, options: ApiClientOptions = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.signal = options.signal;
  }

  async request<T = unknown>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.rawBody !== undefined) {
      body = options.rawBody;
      headers['content-type'] ??= 'application/json';
    } else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body, signal: this.signal });
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json') && text)
      parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  api<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>(method, `${API_PREFIX}${path}`, options);
  }

  register(email: string, password: string, source?: string) {
    return this.api<{ id: string; accessType: string }>('POST', '/auth/register', {
      body: { email, password, displayName: email.split('@')[0], ...(source ? { source } : {}) },
    });
  }

  login(email: string, password: string) {
    return this.api<TokenPair>('POST', '/auth/login', { body: { email, password } });
  }

  refresh(refreshToken: string) {
    return this.api<TokenPair>('POST', '/auth/refresh', { body: { refreshToken } });
  }

  logout(token: string) {
    return this.api('POST', '/auth/logout', { token });
  }

  me(token: string) {
    return this.api<{ id: string; accessType: 'free' | 'premium' }>('GET', '/me', { token });
  }

  contents(type?: string) {
    return this.api<ContentItem[]>('GET', `/contents${type ? `?type=${encodeURIComponent(type)}` : ''}`);
  }

  content(id: string) {
    return this.api<ContentItem>('GET', `/contents/${encodeURIComponent(id)}`);
  }

  view(token: string, id: string) {
    return this.api('POST', `/contents/${id}/views`, { token });
  }

  startStream(token: string, id: string) {
    return this.api<{ streamId: string }>('POST', `/contents/${id}/streams`, { token });
  }

  stopStream(token: string, streamId: string) {
    return this.api('DELETE', `/streams/${streamId}`, { token });
  }

  react(token: string, id: string, type: string) {
    return this.api('POST', `/contents/${id}/reactions`, { token, body: { type } });
  }

  addFavorite(token: string, id: string) {
    return this.api('PUT', `/contents/${id}/favorite`, { token });
  }

  removeFavorite(token: string, id: string) {
    return this.api('DELETE', `/contents/${id}/favorite`, { token });
  }

  createProfile(token: string, name: string, type: string) {
    return this.api<{ id: string }>('POST', '/profiles', { token, body: { name, type } });
  }

  switchProfile(token: string, id: string) {
    return this.api('POST', `/profiles/${id}/switch`, { token });
  }

  registerDevice(token: string, type: string, name: string) {
    return this.api('POST', '/devices', { token, body: { type, name } });
  }

  subscribe(token: string, plan: string, paymentMethod: string, card?: string) {
    return this.api('POST', '/subscriptions', {
      token,
      body: { plan, paymentMethod, ...(card ? { card } : {}) },
    });
  }

  pay(token: string, amount: number, paymentMethod: string, card?: string) {
    return this.api('POST', '/payments', {
      token,
      body: { amount, paymentMethod, ...(card ? { card } : {}) },
    });
  }

  /** The Prometheus exposition, with the bearer token when the API requires one. */
  async metrics(token?: string): Promise<ApiResponse<string>> {
    return this.request<string>('GET', '/metrics', { token });
  }
}
