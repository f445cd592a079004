import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnDaemon, type ProcessIdentity } from '../../scripts/stack/daemon.ts';

/**
 * Idle Node processes started as the stack starts its daemons (own process group, pid + start time),
 * for tests of the stack's process bookkeeping. `stopAll` kills every one of them and removes the
 * scratch directory; call it in afterAll (it also runs after a failed test).
 */
export class IdleProcesses {
  readonly dir: string;
  private readonly pids: number[] = [];

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), prefix));
  }

  start(): Required<ProcessIdentity> {
    const daemon = spawnDaemon({
      command: process.execPath,
      args: ['-e', 'setInterval(() => undefined, 1000)'],
      env: {},
      cwd: this.dir,
      logFile: join(this.dir, `idle-${this.pids.length}.log`),
    });
    this.pids.push(daemon.pid);
    return daemon;
  }

  stopAll(): void {
    for (const pid of this.pids) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        /* already stopped by the test */
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
