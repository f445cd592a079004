/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 30_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${reason}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Resolves when an HTTP GET of `url` answers with a status accepted by `ok` (default 2xx). */
export function waitForHttp(url: string, options?: { timeoutMs?: number; ok?: (status: number) => boolean }) {
  const ok = options?.ok ?? ((s: number) => s >= 200 && s < 300);
  return waitFor(`${url} to answer`, async () => ok((await fetch(url)).status), options);
}
