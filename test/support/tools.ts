import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { goToolPath, type GoTool } from '../../scripts/lib/versions.ts';

/**
 * Absolute path of promtool, amtool, prometheus, alertmanager or prom2json at versions.env's
 * versions, as scripts/lib/go-tools.sh builds them (the test command does, once per version).
 */
export function tool(name: GoTool): string {
  return goToolPath(join(__dirname, '..', '..'), name);
}

/** Result of one run of a command-line tool (promtool, amtool, node scripts). */
export interface ToolRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout + stderr, for failure messages. */
  readonly output: string;
}

/**
 * Runs a real tool synchronously (they answer in milliseconds). A missing binary is a test failure
 * with an install hint, never a skip.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; installHint?: string } = {},
): ToolRun {
  const run = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${command} not found on PATH${options.installHint ? ` (${options.installHint})` : ''}`);
  }
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, output: `${run.stdout}${run.stderr}` };
}
