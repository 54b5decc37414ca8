import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { ROOT } from '../scripts/tools.cjs';

// Data flows one way (README, house style): apps → libs, workflows → domain and contracts only, and
// the domain stands alone. A wrong import compiles; this test is what keeps the direction.

/** Source files below `dir` (tests excluded: they may reach for test support). */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...sources(path));
    else if (/\.ts$/.test(name) && !/\.(spec|workflow-spec|int-spec|e2e-spec)\.ts$/.test(name)) out.push(path);
  }
  return out;
}

/** Every module a file imports or re-exports: packages by name, relative paths resolved from the root. */
export function importsOf(file: string, text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const specifiers = [
    ...text.matchAll(
      /(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g,
    ),
  ].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]);
  return specifiers.map((s) => (s.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(file), s)) : s));
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

function offending(folder: string, allowed: (target: string) => boolean): string[] {
  return sources(folder).flatMap((file) =>
    importsOf(file)
      .filter((target) => !allowed(target))
      .map((target) => `${file} → ${target}`),
  );
}

describe('dependency direction', () => {
  it('reads relative and package imports, re-exports and requires', () => {
    const text =
      "import { a } from './a';\nimport type { B } from '../b';\nexport * from './c';\nexport { d } from 'pkg';\nconst e = require('../../e');\nimport 'side';\n";
    expect(importsOf('libs/x/src/f.ts', text)).toEqual(['libs/x/src/a', 'libs/x/b', 'libs/x/src/c', 'pkg', 'libs/e', 'side']);
  });

  it('libs never import apps or workflows', () => {
    expect(offending('libs', (t) => !inside(t, 'apps') && !inside(t, 'workflows') && !inside(t, 'activities'))).toEqual([]);
  });

  it('workflows import only the domain, the contracts and the workflow SDK', () => {
    const allowed = (t: string) => inside(t, 'workflows') || inside(t, 'libs/domain/src') || inside(t, 'libs/contracts/src') || t === '@temporalio/workflow';
    expect(offending('workflows', allowed)).toEqual([]);
  });

  it('the domain imports nothing outside itself', () => {
    expect(offending('libs/domain', (t) => inside(t, 'libs/domain'))).toEqual([]);
  });

  it('the contracts import only the domain (and the SDK message types, erased at build)', () => {
    expect(offending('libs/contracts', (t) => inside(t, 'libs/contracts') || inside(t, 'libs/domain/src') || t === '@temporalio/common')).toEqual([]);
  });

  it('finds a wrong import when there is one', () => {
    expect(importsOf('libs/temporal/src/x.ts', "import { a } from '../../../workflows/case-runner';").some((t) => inside(t, 'workflows'))).toBe(true);
  });
});
