import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { failureConverterModule } from '../libs/temporal/src/payload-codec';
import { defaultWorkflowBundle, workflowsEntry } from '../libs/temporal/src/workflow-bundle';

/**
 * Bundles `workflows/` once, ahead of time, so that the worker starts without webpack and runs
 * exactly the code that was tested. The bundler refuses Node built-ins and other non-deterministic
 * modules, so a workflow that imports one fails here, at build time.
 */
export async function buildWorkflowBundle(out: string): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry(),
    // Failures the workflows raise (refused commands, update rejections) leave with their messages encoded, as the worker's do.
    failureConverterPath: failureConverterModule(),
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn: console.warn, error: console.error } as never,
  });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
}

if (require.main === module) {
  const out = process.argv[2] ? resolve(process.argv[2]) : defaultWorkflowBundle();
  buildWorkflowBundle(out)
    .then(() => process.stdout.write(`workflow bundle written to ${out}\n`))
    .catch((err) => {
      process.stderr.write(`workflow bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    });
}
