import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { projectRoot } from '../../config/src/project-root';

/** Where `npm run build` writes the workflow bundle the worker loads in production mode. */
export const defaultWorkflowBundle = () => join(projectRoot(), 'dist', 'workflow-bundle.js');
/** The module the bundle is built from: every workflow is exported there. */
export const workflowsEntry = () => join(projectRoot(), 'workflows', 'index.ts');

export function workflowBundlePath(env: Record<string, string | undefined> = process.env): string {
  const path = env.WORKFLOW_BUNDLE_PATH ? resolve(env.WORKFLOW_BUNDLE_PATH) : defaultWorkflowBundle();
  if (!existsSync(path)) {
    throw new Error(`workflow bundle not found at ${path}: run "npm run build" (or set WORKFLOW_BUNDLE_PATH)`);
  }
  return path;
}
