/**
 * A simulated account and the client-side session logic a real app has: register once, log in when
 * there is no session, and on a 401 refresh the pair (or log in again) and retry once. Passwords are
 * random per run and never printed.
 */
import { randomBytes } from 'node:crypto';
import { API_PREFIX, type ApiResponse, type TokenPair } from './api-client.ts';
import type { RunContext } from './run-context.ts';

export const ROUTES = {
  register: `${API_PREFIX}/auth/register`,
  login: `${API_PREFIX}/auth/login`,
  refresh: `${API_PREFIX}/auth/refresh`,
  logout: `${API_PREFIX}/auth/logout`,
  me: `${API_PREFIX}/me`,
  contents: `${API_PREFIX}/contents`,
  content: `${API_PREFIX}/contents/:id`,
  views: `${API_PREFIX}/contents/:id/views`,
  streams: `${API_PREFIX}/contents/:id/streams`,
  stream: `${API_PREFIX}/streams/:streamId`,
  reactions: `${API_PREFIX}/contents/:id/reactions`,
  favorite: `${API_PREFIX}/contents/:id/favorite`,
  profiles: `${API_PREFIX}/profiles`,
  profileSwitch: `${API_PREFIX}/profiles/:id/switch`,
  devices: `${API_PREFIX}/devices`,
  subscriptions: `${API_PREFIX}/subscriptions`,
  payments: `${API_PREFIX}/payments`,
  /** The label the API gives every route it does not know. */
  unmatched: 'unmatched',
} as const;

export function randomSecret(): string {
  return randomBytes(12).toString('base64url');
}

export class VirtualUser {
  readonly email: string;
  readonly password = randomSecret();
  readonly source: string;
  registered = false;
  tokens: TokenPair | undefined;
  premium = false;
  /** Failed logins since the last success: kept below the API's lockout (LOGIN_MAX_FAILURES, 5). */
  failuresSinceSuccess = 0;
  readonly favorites = new Set<string>();
  readonly streams: string[] = [];
  readonly profiles: string[] = [];
  /** Device name -> type, as registered. */
  readonly devices = new Map<string, string>();

  constructor(email: string, source: string) {
    this.email = email;
    this.source = source;
  }

  /** Registers if needed (409: someone did already) and logs in; the access token, or undefined. */
  async session(ctx: RunContext): Promise<string | undefined> {
    if (!this.registered) {
      const res = await ctx.call('POST', ROUTES.register, () =>
        ctx.client.register(this.email, this.password, this.source),
      );
      if (res.status !== 201 && res.status !== 409) return undefined;
      this.registered = true;
    }
    if (!this.tokens) await this.login(ctx);
    return this.tokens?.accessToken;
  }

  async login(ctx: RunContext): Promise<boolean> {
    const res = await ctx.call('POST', ROUTES.login, () => ctx.client.login(this.email, this.password));
    if (res.status !== 200) return false;
    this.tokens = res.body;
    this.failuresSinceSuccess = 0;
    return true;
  }

  /** Rotates the pair; on refusal (expired, revoked) logs in again, as an app would. */
  async renew(ctx: RunContext): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    this.tokens = undefined;
    if (refreshToken) {
      const res = await ctx.call('POST', ROUTES.refresh, () => ctx.client.refresh(refreshToken));
      if (res.status === 200) {
        this.tokens = res.body;
        return;
      }
    }
    await this.login(ctx);
  }

  /** An authenticated request; a 401 (expired access token) renews the session and retries once. */
  async authed<T>(
    ctx: RunContext,
    method: string,
    template: string,
    send: (token: string) => Promise<ApiResponse<T>>,
  ): Promise<ApiResponse<T> | undefined> {
    const token = await this.session(ctx);
    if (!token) return undefined;
    const res = await ctx.call(method, template, () => send(token));
    if (res.status !== 401) return res;
    await this.renew(ctx);
    const renewed = this.tokens?.accessToken;
    return renewed ? ctx.call(method, template, () => send(renewed)) : res;
  }
}
