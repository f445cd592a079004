import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import proxyAddr from 'proxy-addr';
import { weakSecretReason } from './secret-strength';

/**
 * The API's configuration: parsed and validated once from the environment, then provided to every
 * module as the Nest provider `APP_CONFIG` (inject with `@Inject(APP_CONFIG) config: AppConfig`).
 *
 * Telemetry reads `metricsToken` from it: when set, GET /metrics requires `Authorization: Bearer <token>`.
 * Secrets come from `NAME` or from the file named by `NAME_FILE` (Docker/Kubernetes secrets); the
 * file wins when both are set.
 */
export const APP_CONFIG = Symbol('APP_CONFIG');

export type NodeEnv = 'development' | 'production' | 'test';

/** The payment gateways the API can be wired to (PAYMENT_GATEWAY). */
export const PAYMENT_GATEWAYS = ['sandbox'] as const;
export type PaymentGatewayName = (typeof PAYMENT_GATEWAYS)[number];

export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly host: string;
  readonly port: number;
  /** JSON body size limit, in the body-parser syntax (`100kb`, `1mb`). */
  readonly bodyLimit: string;
  readonly logLevel: string;
  /** PostgreSQL URL; undefined → embedded PGlite. */
  readonly databaseUrl: string | undefined;
  /**
   * PostgreSQL password kept out of the URL (DATABASE_PASSWORD or the file DATABASE_PASSWORD_FILE,
   * the compose secret PostgreSQL and its exporter share); used when the URL carries none.
   */
  readonly databasePassword: string | undefined;
  /**
   * PGlite data directory (PGLITE_DATA_DIR; default `.data/pglite` under the working directory, kept
   * between starts so that only the first one creates the cluster); undefined → in memory
   * (PGLITE_DATA_DIR=memory).
   */
  readonly pgliteDataDir: string | undefined;
  /** Redis URL; undefined → in-process store. Its user may be in the URL (redis://user@host:port). */
  readonly redisUrl: string | undefined;
  /** Redis password kept out of the URL (REDIS_PASSWORD or the file REDIS_PASSWORD_FILE); used when the URL carries none. */
  readonly redisPassword: string | undefined;
  /**
   * HTTPS: PEM certificate chain and private key (TLS_CERT_FILE, TLS_KEY_FILE, read at start); both
   * or neither. Undefined → plain HTTP (the API alone in development; every stack sets them).
   */
  readonly tls: { readonly cert: string; readonly key: string } | undefined;
  /** Bearer token required by GET /metrics when set (METRICS_TOKEN or METRICS_TOKEN_FILE). */
  readonly metricsToken: string | undefined;
  readonly jwt: {
    readonly secret: string;
    /** true when no secret was configured and one was generated for this process (development). */
    readonly generated: boolean;
    readonly accessTokenTtlS: number;
    readonly refreshTokenTtlS: number;
  };
  readonly throttle: { readonly ttlMs: number; readonly limit: number };
  readonly login: { readonly maxFailures: number; readonly lockMs: number };
  /** Several declined payments of one user within the window are a suspicious_payment risk event. */
  readonly payments: {
    readonly gateway: PaymentGatewayName;
    readonly currency: string;
    readonly declineThreshold: number;
    readonly declineWindowMs: number;
  };
  /**
   * Proxies whose X-Forwarded-For is believed (TRUSTED_PROXIES: addresses, CIDRs or the names
   * loopback, linklocal, uniquelocal); empty: none, the client is the socket's peer address.
   */
  readonly trustedProxies: readonly string[];
  /** Node HTTP server timeouts: slow clients are dropped instead of holding sockets for minutes. */
  readonly server: {
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly keepAliveTimeoutMs: number;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface LoadedConfig {
  readonly config: AppConfig;
  /** Non-fatal remarks to log once the logger is up (e.g. a generated development secret). */
  readonly warnings: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** Parses and validates `env`; throws one ConfigError naming every problem. */
export function loadConfig(
  env: Env,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): LoadedConfig {
  const problems: string[] = [];
  const warnings: string[] = [];

  const nodeEnv = parseNodeEnv(env.NODE_ENV, problems);
  const int = (name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const text = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const secret = (name: string): string | undefined => {
    const file = text(`${name}_FILE`);
    if (file) {
      try {
        const value = readFile(file).trim();
        if (!value) problems.push(`${name}_FILE (${file}) is empty`);
        return value || undefined;
      } catch (error) {
        problems.push(
          `${name}_FILE (${file}) cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        );
        return undefined;
      }
    }
    return text(name);
  };

  const bodyLimit = text('BODY_LIMIT') ?? '100kb';
  if (!/^\d+(b|kb|mb)?$/i.test(bodyLimit))
    problems.push(`BODY_LIMIT must look like 100kb or 1mb (got "${bodyLimit}")`);

  const tlsFiles = (): AppConfig['tls'] => {
    const certFile = text('TLS_CERT_FILE');
    const keyFile = text('TLS_KEY_FILE');
    if (!certFile && !keyFile) return undefined;
    if (!certFile || !keyFile) {
      problems.push('TLS_CERT_FILE and TLS_KEY_FILE go together (HTTPS needs both)');
      return undefined;
    }
    try {
      return { cert: readFile(certFile), key: readFile(keyFile) };
    } catch (error) {
      problems.push(
        `TLS_CERT_FILE/TLS_KEY_FILE cannot be read: ${error instanceof Error ? error.message : String(error)}`,
      );
      return undefined;
    }
  };

  let jwtSecret = secret('JWT_SECRET');
  const metricsToken = secret('METRICS_TOKEN');
  let generated = false;
  if (nodeEnv === 'production') {
    if (!jwtSecret) problems.push('JWT_SECRET (or JWT_SECRET_FILE) is required in production');
    if (!metricsToken) problems.push('METRICS_TOKEN (or METRICS_TOKEN_FILE) is required in production');
  }
  if (jwtSecret && jwtSecret.length < 32) problems.push('JWT_SECRET must be at least 32 characters');
  if (nodeEnv === 'production') {
    // A guessable JWT secret forges any account; a guessable metrics token exposes the business metrics.
    for (const [name, value] of [
      ['JWT_SECRET', jwtSecret],
      ['METRICS_TOKEN', metricsToken],
    ] as const) {
      const weak = value === undefined ? undefined : weakSecretReason(value);
      if (weak)
        problems.push(
          `${name} is too weak for production (${weak}): use a random value such as \`openssl rand -base64 32\``,
        );
    }
  }
  if (!jwtSecret) {
    jwtSecret = randomBytes(48).toString('base64url');
    generated = true;
    if (nodeEnv !== 'production') {
      warnings.push(
        'JWT_SECRET is not set: using a random secret for this process (tokens do not survive a restart)',
      );
    }
  }

  const gateway = paymentGateway(text('PAYMENT_GATEWAY'), nodeEnv, problems, warnings);
  const trustedProxies = proxies(text('TRUSTED_PROXIES'), problems);
  const server = {
    headersTimeoutMs: int('HTTP_HEADERS_TIMEOUT_MS', 10_000, 1, 3_600_000),
    requestTimeoutMs: int('HTTP_REQUEST_TIMEOUT_MS', 30_000, 1, 3_600_000),
    keepAliveTimeoutMs: int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 1, 3_600_000),
  };
  // Node refuses a headers timeout longer than the request timeout.
  if (server.headersTimeoutMs > server.requestTimeoutMs) {
    problems.push('HTTP_HEADERS_TIMEOUT_MS must not exceed HTTP_REQUEST_TIMEOUT_MS');
  }

  const config: AppConfig = {
    nodeEnv,
    host: text('HOST') ?? '127.0.0.1',
    port: int('PORT', 3000, 0, 65535),
    bodyLimit,
    logLevel: text('LOG_LEVEL') ?? 'info',
    databaseUrl: text('DATABASE_URL'),
    databasePassword: secret('DATABASE_PASSWORD'),
    pgliteDataDir: pgliteDataDir(text('PGLITE_DATA_DIR')),
    redisUrl: text('REDIS_URL'),
    redisPassword: secret('REDIS_PASSWORD'),
    tls: tlsFiles(),
    metricsToken,
    jwt: {
      secret: jwtSecret,
      generated,
      accessTokenTtlS: int('ACCESS_TOKEN_TTL_S', 900, 1),
      refreshTokenTtlS: int('REFRESH_TOKEN_TTL_S', 7 * 24 * 3600, 1),
    },
    throttle: { ttlMs: int('THROTTLE_TTL_MS', 60_000, 1), limit: int('THROTTLE_LIMIT', 100, 1) },
    login: { maxFailures: int('LOGIN_MAX_FAILURES', 5, 1), lockMs: int('LOGIN_LOCK_MS', 15 * 60_000, 1) },
    payments: {
      gateway,
      currency: currency(text('PAYMENT_CURRENCY') ?? 'EUR', problems),
      declineThreshold: int('PAYMENT_DECLINE_THRESHOLD', 3, 1),
      declineWindowMs: int('PAYMENT_DECLINE_WINDOW_MS', 10 * 60_000, 1),
    },
    trustedProxies,
    server,
  };
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return { config, warnings };
}

function currency(value: string, problems: string[]): string {
  if (/^[A-Z]{3}$/.test(value)) return value;
  problems.push(`PAYMENT_CURRENCY must be an ISO 4217 code such as EUR (got "${value}")`);
  return 'EUR';
}

/**
 * The gateway is a deliberate choice in production: the sandbox approves PayPal and mobile money
 * without taking money, so production never falls back to it silently.
 */
function paymentGateway(
  raw: string | undefined,
  nodeEnv: NodeEnv,
  problems: string[],
  warnings: string[],
): PaymentGatewayName {
  if (raw === undefined) {
    if (nodeEnv === 'production') {
      problems.push(`PAYMENT_GATEWAY is required in production (one of: ${PAYMENT_GATEWAYS.join(', ')})`);
    }
    return 'sandbox';
  }
  const name = PAYMENT_GATEWAYS.find((g) => g === raw);
  if (!name) {
    problems.push(`PAYMENT_GATEWAY must be one of ${PAYMENT_GATEWAYS.join(', ')} (got "${raw}")`);
    return 'sandbox';
  }
  if (name === 'sandbox' && nodeEnv === 'production') {
    warnings.push(
      'PAYMENT_GATEWAY=sandbox in production: payments are simulated, PayPal and mobile money are approved without taking money',
    );
  }
  return name;
}

/** TRUSTED_PROXIES as Express's `trust proxy` list; every entry is checked now rather than at the first request. */
function proxies(raw: string | undefined, problems: string[]): string[] {
  if (raw === undefined || raw.toLowerCase() === 'none') return [];
  const list = raw
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  try {
    proxyAddr.compile(list);
  } catch (error) {
    problems.push(
      `TRUSTED_PROXIES must list IP addresses, CIDR ranges or loopback/linklocal/uniquelocal (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return list;
}

function parseNodeEnv(raw: string | undefined, problems: string[]): NodeEnv {
  const value = raw?.trim() || 'development';
  if (value === 'development' || value === 'production' || value === 'test') return value;
  problems.push(`NODE_ENV must be development, production or test (got "${value}")`);
  return 'development';
}

/** Where embedded PostgreSQL keeps its data: `memory` for none, a path, or the git-ignored default. */
export const DEFAULT_PGLITE_DATA_DIR = '.data/pglite';
function pgliteDataDir(value: string | undefined): string | undefined {
  if (value === 'memory') return undefined;
  return resolve(value ?? DEFAULT_PGLITE_DATA_DIR);
}
