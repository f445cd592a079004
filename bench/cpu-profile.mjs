// Preload (--import) for the CPU-profile benchmark: profiles the whole process from start, and on SIGWINCH
// (a signal whose default action is to ignore it, and which Nest's shutdown hooks do not listen to)
// writes the profile (Chrome .cpuprofile JSON) to $BENCH_CPU_PROFILE. A signal rather than
// --cpu-prof because the API ends by re-raising SIGTERM, and a process killed by a signal writes no
// --cpu-prof file.
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const session = new Session();
session.connect();
session.post('Profiler.enable', () => session.post('Profiler.start'));
process.on('SIGWINCH', () => {
  session.post('Profiler.stop', (error, result) => {
    if (error) return;
    const file = process.env.BENCH_CPU_PROFILE;
    writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
    renameSync(`${file}.tmp`, file); // whole files only: the benchmark reads it as soon as it exists
    session.post('Profiler.start');
  });
});
