/**
 * `npm run docs`: writes the generated documents (docs/metrics.md, docs/alerts.md).
 * `npm run docs -- --check` writes nothing and exits 1 when a committed document is out of date.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generatedDocs } from './generate.ts';

// From this script's path: Node runs it as ESM (no __dirname) and tsc checks it as CommonJS (no import.meta).
const root = join(dirname(resolve(process.argv[1])), '..', '..');
const check = process.argv.includes('--check');

async function main(): Promise<number> {
  const docs = await generatedDocs(root);
  let outdated = 0;
  for (const [path, content] of docs) {
    const file = join(root, path);
    if (existsSync(file) && readFileSync(file, 'utf8') === content) continue;
    outdated++;
    if (check) {
      console.error(`docs: ${path} is out of date (run npm run docs)`);
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  }
  console.log(
    `docs: ${docs.size} generated documents, ${check ? `${outdated} out of date` : `${outdated} written`}`,
  );
  return check && outdated > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
