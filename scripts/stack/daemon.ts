import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

/**
 * Long-running processes of the native stack: started detached (own process group, no terminal),
 * output appended to one log file, tracked by pid AND the kernel's start time of that pid. They
 * outlive the command that started them (`stack up` returns), and are stopped later from the state
 * file. A pid alone is not proof: after a reboot (or enough process churn) a recorded pid can
 * belong to another program, which `up` must not mistake for ours and `down` must never signal.
 */

export interface DaemonSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  readonly logFile: string;
}

/** A process as recorded in the state file: its pid and when the kernel started it. */
export interface ProcessIdentity {
  readonly pid: number;
  /** processStartTime(pid) read right after the spawn; missing in state files written before it existed. */
  readonly startTime?: string;
}

/**
 * When the kernel started `pid`, as `<boot id>:<start time in clock ticks since boot>` (field 22 of
 * /proc/<pid>/stat; the boot id tells two boots apart). Undefined when the process does not exist.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces or ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = fields[22 - 3];
    if (!startTicks) return undefined;
    return `${bootId()}:${startTicks}`;
  } catch {
    return undefined;
  }
}

function bootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

/**
 * True when the recorded process still runs: the pid is alive and was started when we recorded.
 * A record without a start time cannot be checked and counts as not ours.
 */
export function isRecordedProcessAlive(recorded: ProcessIdentity | undefined): boolean {
  if (!recorded?.startTime || !pidAlive(recorded.pid)) return false;
  return processStartTime(recorded.pid) === recorded.startTime;
}

/** Starts the process and returns its pid (the leader of its own process group) and start time. */
export function spawnDaemon(spec: DaemonSpec): Required<ProcessIdentity> {
  const log = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error(`cannot start ${spec.command}`);
    child.unref();
    // Read at once: the child exists from the fork on and exec keeps its start time. '' (never
    // matching) if it already exited; the caller then sees it dead.
    return { pid: child.pid, startTime: processStartTime(child.pid) ?? '' };
  } finally {
    closeSync(log);
  }
}

/** True while a process with this pid exists and is not a zombie. */
export function pidAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // A zombie (exited, not yet reaped by its parent) still answers kill(0): read its state.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops the process group led by the recorded process: `signal`, then SIGKILL after `graceMs`.
 * Resolves once the leader is gone. Only that group is signalled, never processes found by name,
 * and nothing at all when the pid now belongs to another process (start time differs) or none.
 * Returns whether it signalled.
 */
export async function stopProcess(
  recorded: ProcessIdentity,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15_000,
): Promise<boolean> {
  if (!isRecordedProcessAlive(recorded)) return false;
  await stopPid(recorded.pid, signal, graceMs);
  return true;
}

/** The signalling part of stopProcess, once the pid is known to be ours. */
async function stopPid(pid: number, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  const send = (s: NodeJS.Signals) => {
    try {
      process.kill(-pid, s);
    } catch {
      try {
        process.kill(pid, s);
      } catch {
        /* already gone */
      }
    }
  };
  if (!pidAlive(pid)) return;
  send(signal);
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid)) {
    if (Date.now() > deadline) {
      send('SIGKILL');
      await sleep(200);
      if (!pidAlive(pid)) return;
    }
    await sleep(100);
  }
}
