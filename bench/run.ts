/**
 * `npm run bench`: every benchmark, each against its baseline in the same run, printed as tables
 * and as JSON (bench/results.json is written beside, not committed). Figures, not tests: nothing
 * here fails on a number.
 */
import { writeFileSync } from 'node:fs';
import { arch, cpus } from 'node:os';
import { join } from 'node:path';
import { printTable, REPORTED, ROOT, type Row } from './lib.ts';
import { apiBench, profileBench } from './api.bench.ts';
import { memoryBench } from './memory.bench.ts';
import { recordBench } from './record.bench.ts';
import { scrapeBench } from './scrape.bench.ts';

// Distinct HTTP label sets (route x method x status) after `npm run traffic -- --scenario all`,
// measured on the exposition of the API: see bench/README.md.
const GENERATOR_LABEL_SETS = Number(process.env.BENCH_GENERATOR_LABEL_SETS ?? 28);

async function main(): Promise<void> {
  const started = Date.now();
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const sections: Record<string, Row[]> = {};
  if (want('record')) printTable('Record path (ns per call)', (sections.record = recordBench()));
  if (want('scrape')) printTable('Scrape path', (sections.scrape = await scrapeBench(GENERATOR_LABEL_SETS)));
  if (want('memory')) printTable('Memory', (sections.memory = memoryBench()));
  if (want('api'))
    printTable(
      'Per request and startup (real API, autocannon on loopback)',
      (sections.api = await apiBench()),
    );

  if (want('profile'))
    printTable(
      'Where the tracing CPU goes (self time per request)',
      (sections.profile = await profileBench()),
    );

  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    arch: arch(),
    date: new Date().toISOString(),
  };
  const all = Object.values(sections)
    .flat()
    .filter((r) => r.target !== REPORTED);
  const summary = {
    machine,
    seconds: Math.round((Date.now() - started) / 1000),
    met: all.filter((r) => r.met).length,
    of: all.length,
    sections,
  };
  writeFileSync(join(ROOT, 'bench', 'results.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\n${JSON.stringify(summary)}`);
  console.log(
    `\nbench: ${summary.met} of ${summary.of} targets met in ${summary.seconds} s (${machine.node}, ${machine.cpus} cores)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
