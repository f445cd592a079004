// Renders the Alertmanager configuration from the environment: alertmanager.yml built as data
// (scripts/alertmanager-config/config.ts) and written by the `yaml` library, the notification
// templates of monitoring/alertmanager/templates copied as they are, and templates/links.tmpl
// holding the base URLs. Alertmanager does not expand environment variables, hence this step.
// Secrets are never read nor written: the config names the FILES Alertmanager reads them from.
//
//   node scripts/render-alertmanager-config.ts --out-dir DIR [--template-dir DIR]
//   node scripts/render-alertmanager-config.ts --describe     # the variables, as JSON
//
// TypeScript run by Node's type stripping (like scripts/stack/*.ts). Exit code 1 with one
// message on stderr when a variable is missing or refused; nothing is written then.
import { copyFileSync, mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildConfig, linksTemplate } from './alertmanager-config/config.ts';
import {
  RenderError,
  resolveVariables,
  SECRETS_IN_FILES,
  VARIABLES,
} from './alertmanager-config/variables.ts';

// The script's own path (Node runs it as ESM, without __dirname; tsc checks it as CommonJS, without
// import.meta): the templates live next to it in the repository.
const SCRIPT = resolve(process.argv[1] ?? 'scripts/render-alertmanager-config.ts');
const HERE = dirname(SCRIPT);
const HEADER = [
  '# Rendered by scripts/render-alertmanager-config.ts from its environment: do not edit, render again.',
  '# Secrets are files named by the *_file fields; their contents are never written here.',
  '',
].join('\n');

function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, file);
}

export interface RenderResult {
  readonly configFile: string;
  readonly templates: readonly string[];
}

export function render(options: {
  templateDir: string;
  outDir: string;
  env: Readonly<Record<string, string | undefined>>;
}): RenderResult {
  const { templateDir, outDir, env } = options;
  for (const [secret, fileVariable] of Object.entries(SECRETS_IN_FILES)) {
    if (env[secret])
      console.warn(
        `render-alertmanager-config: ${secret} is ignored; Alertmanager reads it from the file ${fileVariable} names`,
      );
  }
  const values = resolveVariables(env);
  const config = `${HEADER}${stringify(buildConfig(values), { lineWidth: 0, aliasDuplicateObjects: false })}`;
  const templatesIn = join(templateDir, 'templates');
  const templatesOut = join(outDir, 'templates');
  mkdirSync(templatesOut, { recursive: true });
  const written: string[] = [];
  for (const name of readdirSync(templatesIn)
    .filter((n) => n.endsWith('.tmpl'))
    .sort()) {
    const target = join(templatesOut, name);
    copyFileSync(join(templatesIn, name), `${target}.tmp-${process.pid}`);
    renameSync(`${target}.tmp-${process.pid}`, target);
    written.push(target);
  }
  const links = join(templatesOut, 'links.tmpl');
  writeAtomically(links, linksTemplate(values));
  written.push(links);
  // The config last: Alertmanager never sees a config whose templates are not there yet.
  const configFile = join(outDir, 'alertmanager.yml');
  writeAtomically(configFile, config);
  return { configFile, templates: written };
}

interface Args {
  templateDir: string;
  outDir?: string;
  describe: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { templateDir: resolve(HERE, '../monitoring/alertmanager'), describe: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--describe') args.describe = true;
    else if (a === '--out-dir') args.outDir = argv[++i];
    else if (a === '--template-dir') args.templateDir = argv[++i];
    else
      throw new RenderError(`unknown argument ${a} (usage: --out-dir DIR [--template-dir DIR] | --describe)`);
  }
  return args;
}

function main(): void {
  try {
    const args = parseArgs(process.argv.slice(2));
    if (args.describe) {
      console.log(JSON.stringify(VARIABLES, null, 2));
      return;
    }
    if (!args.outDir) throw new RenderError('--out-dir is required');
    const { configFile } = render({
      templateDir: resolve(args.templateDir),
      outDir: resolve(args.outDir),
      env: process.env,
    });
    console.log(`render-alertmanager-config: wrote ${configFile}`);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!(error instanceof RenderError) && code !== 'ENOENT') throw error;
    console.error(`render-alertmanager-config: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (SCRIPT.endsWith('render-alertmanager-config.ts')) main();
