/** Shortest secret production accepts (JWT_SECRET, METRICS_TOKEN): 32 random characters. */
export const MIN_SECRET_LENGTH = 32;
/** Least estimated entropy accepted: 32 random hex characters score about 115 bits by this estimate, 32 characters drawn from 4 symbols at most 64. */
export const MIN_SECRET_BITS = 80;

/**
 * Why `value` is too weak to guard production, or undefined when it is acceptable. A heuristic that
 * catches the trivial mistakes (short, one character repeated, a short pattern repeated, few distinct
 * characters), not a proof of randomness: the estimate is the string's Shannon entropy per character
 * times its length.
 */
export function weakSecretReason(value: string): string | undefined {
  const chars = [...value];
  if (chars.length < MIN_SECRET_LENGTH)
    return `${chars.length} characters, at least ${MIN_SECRET_LENGTH} needed`;
  if (/^(.+?)\1+$/su.test(value)) return 'it is a short pattern repeated';
  const bits = Math.floor(estimatedEntropyBits(chars));
  if (bits < MIN_SECRET_BITS) return `about ${bits} bits of entropy, at least ${MIN_SECRET_BITS} needed`;
  return undefined;
}

function estimatedEntropyBits(chars: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) {
    const p = n / chars.length;
    perChar -= p * Math.log2(p);
  }
  return perChar * chars.length;
}
