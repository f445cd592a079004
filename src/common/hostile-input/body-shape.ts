/**
 * Deepest nesting of objects and arrays a request body may have. The API's deepest DTO is 2 levels
 * (a payment's `card`); 32 leaves room for any legitimate client while keeping validation, which
 * recurses once per level, far from the call-stack limit (about 2,000 nested arrays overflow it).
 */
export const MAX_BODY_DEPTH = 32;

/**
 * Why a parsed body is refused before validation, or undefined when its shape is acceptable:
 * nested deeper than MAX_BODY_DEPTH, or a string (value or key) holding a NUL character (PostgreSQL
 * text cannot store it) or a lone UTF-16 surrogate (not a Unicode string: validators and the database
 * fail on it). Iterative, so a hostile depth cannot overflow the stack here either.
 */
export function bodyShapeProblem(body: unknown): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 0 }];
  while (pending.length > 0) {
    const { value, depth } = pending.pop()!;
    if (typeof value === 'string') {
      const problem = stringProblem(value);
      if (problem) return problem;
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_BODY_DEPTH) return `request body is nested deeper than ${MAX_BODY_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const item of value) pending.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      const problem = stringProblem(key);
      if (problem) return problem;
      pending.push({ value: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function stringProblem(value: string): string | undefined {
  if (value.includes('\u0000'))
    return 'request body contains a NUL character (\\u0000), which no field accepts';
  if (LONE_SURROGATE.test(value))
    return 'request body contains a lone UTF-16 surrogate: strings must be valid Unicode';
  return undefined;
}
