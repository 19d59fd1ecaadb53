/**
 * `npm run build`: the production build. TypeScript compiled to JavaScript (tsc with
 * tsconfig.build.json) and the workflow code bundled once, both into dist/ (or `--out DIR`):
 *
 *   node dist/api/main.js                                             the API
 *   WORKFLOW_BUNDLE_PATH=dist/workflow-bundle.js node dist/workers/main.js   a worker
 *   node dist/db/migrate-cli.js, node dist/temporal-config/register-search-attributes.js
 *
 * `--no-check` only transpiles (tsc --noCheck: the types are checked by `npm run typecheck`); the
 * test of the build uses it to stay quick.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleWorkflowCode } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../workers/bundle.js';
import { ROOT } from './lib/paths.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' }, 'no-check': { type: 'boolean', default: false } } });
const out = resolve(ROOT, values.out);
const MARKER = '.atelier-build';
const started = performance.now();
// a previous build is replaced; any other non-empty folder is left alone
if (existsSync(out) && readdirSync(out).length && !existsSync(join(out, MARKER))) {
  console.error(`build: ${out} is not empty and holds no earlier build; choose another --out`);
  process.exit(1);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
writeFileSync(join(out, MARKER), 'npm run build output: replaced by the next build\n');

const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const args = [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out, ...(values['no-check'] ? ['--noCheck'] : [])];
const compiled = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
if (compiled.status !== 0) {
  console.error(`build: tsc failed (exit ${compiled.status ?? compiled.signal})`);
  process.exit(1);
}
// the output is ES modules wherever it is put (a folder outside the repo has no package.json above it)
writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 2)}\n`);
const tscSeconds = (performance.now() - started) / 1000;

const { code } = await bundleWorkflowCode({
  workflowsPath: WORKFLOWS_PATH,
  logger: { trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error, log() {} },
});
writeFileSync(join(out, 'workflow-bundle.js'), code);
console.log(
  `build: ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s (tsc ${tscSeconds.toFixed(1)} s${values['no-check'] ? ', no type check' : ''}; workflow bundle ${(code.length / 1024).toFixed(0)} KiB)`,
);
