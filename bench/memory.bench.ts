/**
 * Memory: heap per series at 10,000 HTTP label sets (counter + histogram each), ours against
 * prom-client (reported, no target), each measured in a fresh child process with a forced GC before and after.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { median, REPORTED, ROOT, type Row } from './lib.ts';

const LABEL_SETS = 10_000;
const CHILD = join(ROOT, 'bench', 'memory-child.ts');

function heapPerLabelSet(side: 'ours' | 'prom-client'): number {
  const out = execFileSync(process.execPath, [
    '--expose-gc',
    '--no-warnings',
    CHILD,
    side,
    String(LABEL_SETS),
  ]);
  return Number(out.toString().trim());
}

export function memoryBench(): Row[] {
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < 3; i++) {
    ours.push(heapPerLabelSet('ours'));
    theirs.push(heapPerLabelSet('prom-client'));
  }
  const o = median(ours);
  const t = median(theirs);
  return [
    {
      figure: `heap per HTTP label set at ${LABEL_SETS} (counter + 15-bucket histogram)`,
      ours: `${o.toFixed(0)} B`,
      baseline: `${t.toFixed(0)} B`,
      ratio: o / t,
      target: REPORTED,
      met: true,
    },
  ];
}
