// Three tiers: unit (pure, parallel), workflow (real time-skipping server) and e2e (HTTP into a
// real Temporal dev server and a real Postgres). Server tiers run one file per process: see scripts/test.mjs.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

// Packages published as ES modules only (NestJS 12, jose, parts of fastify's tree): jest's module
// system on Node 20 cannot require them, so they are compiled to CommonJS like our own sources.
function esmOnlyPackages(root = join(__dirname, 'node_modules')) {
  const names = [];
  if (!existsSync(root)) return names;
  for (const entry of readdirSync(root)) {
    const dirs = entry.startsWith('@') ? readdirSync(join(root, entry)).map((d) => `${entry}/${d}`) : [entry];
    for (const name of dirs) {
      try {
        const pkg = JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8'));
        if (pkg.type === 'module') names.push(name.replace(/[.+]/g, '\\$&'));
      } catch {}
    }
  }
  return names;
}
const esmOnly = esmOnlyPackages();
const common = {
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  testEnvironment: 'node',
  rootDir: __dirname,
};

module.exports = {
  // Server suites wait on real servers and browsers; pure tests finish in milliseconds either way.
  testTimeout: 120000,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,workflows,activities,seeds,test}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'workflow',
      testMatch: ['<rootDir>/{workflows,test}/**/*.workflow-spec.ts'],
      testTimeout: 120000,
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      testTimeout: 120000,
    },
    {
      ...common,
      displayName: 'record',
      testMatch: ['<rootDir>/test/replay/*.record.ts'],
      testTimeout: 300000,
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      testTimeout: 120000,
    },
  ],
};
