import { timingSafeEqual } from 'node:crypto';

/**
 * The bearer token GET /metrics requires when METRICS_TOKEN is set, compared in constant time.
 * Without a token every scrape is authorized.
 */
export class MetricsToken {
  private readonly expected: Buffer | undefined;

  constructor(token: string | undefined) {
    this.expected = token ? Buffer.from(`Bearer ${token}`) : undefined;
  }

  authorizes(header: string | undefined): boolean {
    if (!this.expected) return true;
    if (!header) return false;
    const given = Buffer.from(header);
    return given.length === this.expected.length && timingSafeEqual(given, this.expected);
  }
}
