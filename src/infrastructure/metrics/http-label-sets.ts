import type { Attributes } from '@opentelemetry/api';
import { HTTP_METHODS, OTHER, UNMATCHED_ROUTE } from './catalog';

/** Backstop against a bug upstream: paths are route templates, so real traffic stays far below. */
export const MAX_HTTP_SERIES = 10_000;

const METHOD_INDEX: ReadonlyMap<string, number> = new Map(HTTP_METHODS.map((m, i) => [m, i]));
const METHOD_VALUES: readonly string[] = [...HTTP_METHODS, OTHER];

/**
 * The attribute sets of the HTTP metrics, `{method, path, status_code}`, built once per combination
 * and reused: recording hands the SDK the same frozen object every time. A method outside the
 * closed set is `other`, a status outside 100-599 is `other`, and once MAX_HTTP_SERIES combinations
 * exist a new path folds into `unmatched` so that a routing bug cannot grow memory without bound.
 */
export class HttpLabelSets {
  private readonly byPath = new Map<string, Map<number, Attributes>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  of(method: unknown, path: string, statusCode: unknown): Attributes {
    const methodIndex =
      (typeof method === 'string' ? METHOD_INDEX.get(method) : undefined) ?? HTTP_METHODS.length;
    const status =
      typeof statusCode === 'number' && Number.isInteger(statusCode) && statusCode >= 100 && statusCode <= 599
        ? statusCode
        : 0;
    const key = methodIndex * 1000 + status;
    let slots = this.byPath.get(path);
    let attributes = slots?.get(key);
    if (attributes !== undefined) return attributes;
    if (this.count >= MAX_HTTP_SERIES && path !== UNMATCHED_ROUTE)
      return this.of(method, UNMATCHED_ROUTE, statusCode);
    if (slots === undefined) {
      slots = new Map();
      this.byPath.set(path, slots);
    }
    attributes = Object.freeze({
      method: METHOD_VALUES[methodIndex],
      path,
      status_code: status === 0 ? OTHER : String(status),
    });
    slots.set(key, attributes);
    this.count++;
    return attributes;
  }
}

/** `{endpoint}` attribute sets of the rate-limit counter: route templates, with the same backstop. */
export class EndpointLabelSets {
  private readonly byEndpoint = new Map<string, Attributes>();

  of(endpoint: string): Attributes {
    let attributes = this.byEndpoint.get(endpoint);
    if (attributes !== undefined) return attributes;
    if (this.byEndpoint.size >= MAX_HTTP_SERIES && endpoint !== UNMATCHED_ROUTE)
      return this.of(UNMATCHED_ROUTE);
    attributes = Object.freeze({ endpoint });
    this.byEndpoint.set(endpoint, attributes);
    return attributes;
  }
}
