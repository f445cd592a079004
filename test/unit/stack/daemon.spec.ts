import {
  isRecordedProcessAlive,
  pidAlive,
  processStartTime,
  stopProcess,
} from '../../../scripts/stack/daemon.ts';
import { IdleProcesses } from '../../support/idle-processes';

/**
 * The stack records each component as pid + kernel start time, so that a pid reused by another
 * process (after a reboot) is never taken for a running component nor signalled by `down`.
 */
describe('stack daemons: pid checked against the process start time', () => {
  let idle: IdleProcesses;
  const startSleeper = () => idle.start();

  beforeAll(() => {
    idle = new IdleProcesses('mtv-daemon-');
  });

  afterAll(() => idle.stopAll());

  it('reads a stable start time for a live process and none for a missing pid', () => {
    const own = processStartTime(process.pid);
    expect(own).toMatch(/^.+:\d+$/);
    expect(processStartTime(process.pid)).toBe(own);
    // Above the kernel's pid_max (at most 2^22): never a process.
    expect(processStartTime(2 ** 22 + 1)).toBeUndefined();
  });

  it('records the start time of the spawned process, which then counts as running', () => {
    const daemon = startSleeper();
    expect(daemon.startTime).toBe(processStartTime(daemon.pid));
    expect(isRecordedProcessAlive(daemon)).toBe(true);
  });

  it('does not take a live pid with another start time for ours, nor a record without one', () => {
    const daemon = startSleeper();
    expect(isRecordedProcessAlive({ pid: daemon.pid, startTime: `${daemon.startTime}0` })).toBe(false);
    expect(isRecordedProcessAlive({ pid: daemon.pid })).toBe(false);
    expect(pidAlive(daemon.pid)).toBe(true);
  });

  it('never signals a pid whose start time differs, and stops the recorded process', async () => {
    const daemon = startSleeper();
    const foreign = { pid: daemon.pid, startTime: 'another-boot:1' };
    expect(await stopProcess(foreign, 'SIGKILL', 1000)).toBe(false);
    expect(pidAlive(daemon.pid)).toBe(true);

    expect(await stopProcess(daemon, 'SIGTERM', 5000)).toBe(true);
    expect(pidAlive(daemon.pid)).toBe(false);
    expect(isRecordedProcessAlive(daemon)).toBe(false);
  });
});
