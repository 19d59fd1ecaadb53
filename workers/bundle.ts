import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
export const DEFAULT_BUNDLE_PATH = fileURLToPath(new URL('../dist/workflow-bundle.js', import.meta.url));

/**
 * The workflow code every worker of this process shares. A prebuilt bundle (`npm run
 * build:workflows`, used in production) is loaded as it is; otherwise the code is bundled once,
 * here, and reused by every worker the process starts.
 */
export async function loadWorkflowBundle(bundlePath?: string): Promise<WorkflowBundle | { codePath: string }> {
  if (bundlePath) {
    if (!existsSync(bundlePath)) throw new Error(`WORKFLOW_BUNDLE_PATH ${bundlePath} does not exist; run npm run build:workflows`);
    return { codePath: bundlePath };
  }
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
}

const noop = () => undefined;
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
