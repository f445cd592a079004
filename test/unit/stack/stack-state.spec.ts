import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive, type ProcessIdentity } from '../../../scripts/stack/daemon.ts';
import { stackLayout } from '../../../scripts/stack/layout.ts';
import { resolvePorts } from '../../../scripts/stack/ports.ts';
import { Stack } from '../../../scripts/stack/stack.ts';
import { IdleProcesses } from '../../support/idle-processes';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * The stack's state file after a reboot: a recorded pid may now be another program's. The Stack
 * must treat it as not running (so `up` starts the component) and `down` must not signal it. No
 * component is started here: a plain Node process plays the recorded (or foreign) process.
 */
describe('Stack with recorded pids', () => {
  let idle: IdleProcesses;
  const startProcess = () => idle.start();

  /** A Stack over a data dir whose state file records `redis` as `recorded`. */
  const stackRecording = (name: string, recorded: ProcessIdentity): Stack => {
    const dataDir = join(idle.dir, name);
    const options = { root: ROOT, dataDir, ports: resolvePorts({}, 0) };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      stackLayout(dataDir).stateFile,
      JSON.stringify({
        options,
        components: { redis: { ...recorded, startedAt: new Date().toISOString() } },
      }),
    );
    return new Stack(options);
  };

  beforeAll(() => {
    idle = new IdleProcesses('mtv-stack-state-');
  });

  afterAll(() => idle.stopAll());

  it('a pid now started at another time is not the component: not running, crashed, and down leaves it alone', async () => {
    const foreign = startProcess();
    const stack = stackRecording('foreign', { pid: foreign.pid, startTime: 'another-boot:42' });
    expect(stack.running('redis')).toBe(false);
    expect((await stack.status()).find((s) => s.name === 'redis')?.state).toBe('crashed');
    expect(await stack.down()).toEqual([]);
    expect(pidAlive(foreign.pid)).toBe(true);
    expect(stack.pid('redis')).toBeUndefined();
  });

  it('a state file without start times counts as nothing running', async () => {
    const old = startProcess();
    const stack = stackRecording('legacy', { pid: old.pid });
    expect(stack.running('redis')).toBe(false);
    expect(await stack.down()).toEqual([]);
    expect(pidAlive(old.pid)).toBe(true);
  });

  it('the recorded process itself is running and down stops it', async () => {
    const own = startProcess();
    const stack = stackRecording('own', own);
    expect(stack.running('redis')).toBe(true);
    expect(await stack.down()).toEqual(['redis']);
    expect(pidAlive(own.pid)).toBe(false);
  });
});
