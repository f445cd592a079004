import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/**
 * Debian's headless Chromium driven by puppeteer-core, for the checks of Prometheus's and
 * Alertmanager's web UIs. Where a server is reached is a parameter ({@link WebTarget}): today plain
 * http without credentials; over HTTPS, pass the CA file and the basic-auth credentials and nothing
 * else changes.
 */

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots are test artifacts kept here (git-ignored). */
export const ARTIFACT_DIR = resolve(__dirname, '..', '..', 'test-artifacts', 'web-ui');

export interface WebTarget {
  /** e.g. http://127.0.0.1:9090 or https://127.0.0.1:9090 */
  readonly baseUrl: string;
  /** PEM file of the CA that signed the server's certificate (HTTPS only). */
  readonly caFile?: string;
  /** Basic-auth credentials, when the server asks for them. */
  readonly credentials?: { readonly username: string; readonly password: string };
}

/**
 * Chromium has no "trust this CA file" flag; it accepts a chain holding a certificate whose public
 * key hash (SPKI, sha256, base64) is listed in --ignore-certificate-errors-spki-list (honoured only
 * with a --user-data-dir, which we always give). Listing the CA's key trusts exactly the chains that
 * CA signed, never any certificate at all.
 */
export function spkiHash(caFile: string): string {
  const der = new X509Certificate(readFileSync(caFile)).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64');
}

export class HeadlessBrowser {
  private constructor(
    private readonly browser: Browser,
    private readonly userDataDir: string,
  ) {}

  /** Starts Chromium with a fresh profile; `caFiles` are the CAs its HTTPS targets use. */
  static async launch(caFiles: readonly string[] = []): Promise<HeadlessBrowser> {
    const userDataDir = mkdtempSync(join(tmpdir(), 'mtv-chromium-'));
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${userDataDir}`,
    ];
    if (caFiles.length > 0)
      args.push(`--ignore-certificate-errors-spki-list=${caFiles.map(spkiHash).join(',')}`);
    try {
      const browser = await puppeteer.launch({
        executablePath: CHROMIUM,
        headless: true,
        args,
        // puppeteer's own defaults would add flags we did not choose (and a profile of its own).
        ignoreDefaultArgs: true,
        pipe: true,
        timeout: 60_000,
      });
      return new HeadlessBrowser(browser, userDataDir);
    } catch (error) {
      rmSync(userDataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Opens `path` of `target` (a hash route like /#/status included) and waits until `ready` holds
   * for the page; returns the page's visible text. A screenshot goes to ARTIFACT_DIR/<name>.png.
   */
  async visibleText(
    target: WebTarget,
    path: string,
    name: string,
    ready: (text: string) => boolean,
    timeoutMs = 60_000,
  ): Promise<{ text: string; status: number | undefined; screenshot: string }> {
    const page: Page = await this.browser.newPage();
    try {
      await page.setViewport({ width: 1400, height: 1000 });
      if (target.credentials) await page.authenticate({ ...target.credentials });
      const response = await page.goto(`${target.baseUrl}${path}`, { waitUntil: 'load', timeout: timeoutMs });
      let text = '';
      const deadline = Date.now() + timeoutMs;
      // Single-page apps render after load and refresh from their API: wait for the condition.
      for (;;) {
        // Runs in the page (the project compiles without DOM types, hence the cast).
        text = await page.evaluate(
          () =>
            (globalThis as unknown as { document?: { body?: { innerText: string } } }).document?.body
              ?.innerText ?? '',
        );
        if (ready(text) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      mkdirSync(ARTIFACT_DIR, { recursive: true });
      const screenshot = join(ARTIFACT_DIR, `${name}.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      return { text, status: response?.status(), screenshot };
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    const pid = this.browser.process()?.pid;
    try {
      await this.browser.close();
    } finally {
      // Chromium's own helper processes go with it; kill by pid if close did not finish the job.
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      rmSync(this.userDataDir, { recursive: true, force: true });
    }
  }
}
