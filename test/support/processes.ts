import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * A process a test started. Its output is kept (last 200 lines) for failure messages, and `stop`
 * ends it by pid: SIGTERM, then SIGKILL after a grace period. Every ManagedProcess is also tracked
 * so that `stopAll` in an afterAll (or the exit hook below) leaves nothing running, also on failure.
 */
export class ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private readonly exited: Promise<number | null>;
  private listeners: Array<(line: string) => void> = [];

  // No parameter properties: scripts that import this file run under Node's type stripping.
  constructor(name: string, command: string, args: readonly string[], options: SpawnOptions = {}) {
    this.name = name;
    this.child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.lines.push(line);
        if (this.lines.length > 200) this.lines.shift();
        for (const l of this.listeners) l(line);
      }
    };
    this.child.stdout?.on('data', collect);
    this.child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    running.add(this);
    void this.exited.then(() => running.delete(this));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.lines.join('\n');
  }

  /** Resolves with the first output line matching `pattern`, or rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const seen = this.lines.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => done(new Error(`${this.name}: no line matching ${pattern} in ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onLine = (line: string) => pattern.test(line) && done(undefined, line);
      const onExit = () =>
        done(new Error(`${this.name} exited before printing ${pattern}:\n${this.output()}`));
      const done = (error?: Error, line?: string) => {
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== onLine);
        this.child.off('exit', onExit);
        if (error) reject(error);
        else resolve(line!);
      };
      this.listeners.push(onLine);
      this.child.once('exit', onExit);
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<number | null> {
    if (!this.alive || this.pid === undefined) return this.exited;
    // The process was started in its own group: signal the group so its children go too.
    try {
      process.kill(-this.pid, signal);
    } catch {
      /* already gone */
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-this.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, graceMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }

  waitForExit(): Promise<number | null> {
    return this.exited;
  }
}

const running = new Set<ManagedProcess>();

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

process.on('exit', () => {
  for (const p of running) {
    try {
      if (p.pid) process.kill(-p.pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
});
