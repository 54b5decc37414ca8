import { bundleWorkflowCode } from '@temporalio/worker';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../scripts/tools.cjs';

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sources(path, out);
    else if (entry.endsWith('.ts') && !/\.(spec|workflow-spec|e2e-spec)\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

function imports(file: string): Array<{ spec: string; typeOnly: boolean }> {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+['"]([^'"]+)['"]/gms)].map((m) => ({ spec: m[3], typeOnly: Boolean(m[2]) }));
}

describe('workflow code', () => {
  it('bundles for the worker (the bundler refuses Node built-ins and non-deterministic modules)', async () => {
    const { code } = await bundleWorkflowCode({
      workflowsPath: join(ROOT, 'workflows/index.ts'),
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never,
    });
    expect(code).toContain('mlaCaseWorkflow');
  }, 120000);

  // workflows/ may reach only the workflow SDK and pure code: the domain library and the contracts.
  const allowed = (from: string, spec: string, _typeOnly: boolean) =>
    spec === '@temporalio/workflow' ||
    spec === '@temporalio/common' ||
    (spec.startsWith('.') &&
      (() => {
        const target = relative(ROOT, join(from, '..', spec));
        return target.startsWith('workflows') || target.startsWith(join('libs', 'domain')) || target.startsWith(join('libs', 'contracts'));
      })());

  const pureLibs = [join('libs', 'domain'), join('libs', 'contracts')];
  it.each(['workflows', join('libs', 'domain', 'src'), join('libs', 'contracts', 'src')])('%s imports nothing with side effects', (dir) => {
    const offending: string[] = [];
    for (const file of sources(join(ROOT, dir))) {
      for (const { spec, typeOnly } of imports(file)) {
        const ok =
          dir === 'workflows'
            ? allowed(file, spec, typeOnly)
            : (spec.startsWith('.') && pureLibs.some((lib) => relative(ROOT, join(file, '..', spec)).startsWith(lib))) ||
              // The contracts type their message definitions with the SDK's types: erased, nothing loads.
              (typeOnly && spec === '@temporalio/common' && dir === join('libs', 'contracts', 'src'));
        if (!ok) offending.push(`${relative(ROOT, file)} imports ${typeOnly ? 'type ' : ''}${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
