#!/usr/bin/env node
// Builds the native addon with node-gyp. Outside CI a failed build is not fatal: lmkit then runs on its
// js backend and says so once at load. Under CI=true a failure fails the install, so native tests really run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function nodeGypCommand() {
  if (process.env.npm_config_node_gyp) return [process.execPath, [process.env.npm_config_node_gyp]];
  try {
    return [process.execPath, [require.resolve('node-gyp/bin/node-gyp.js')]];
  } catch {
    // npm's bundled node-gyp: beside npm-cli.js when run by npm, else in the lib/ of node's install prefix.
    const npmDirs = [
      process.env.npm_execpath ? path.dirname(path.dirname(process.env.npm_execpath)) : null,
      path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm'),
    ].filter(Boolean);
    for (const dir of npmDirs) {
      const file = path.join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
      if (fs.existsSync(file)) return [process.execPath, [file]];
    }
    return ['node-gyp', []];
  }
}

if (process.env.LMKIT_SKIP_NATIVE_BUILD === '1') {
  console.error('lmkit: native build skipped (LMKIT_SKIP_NATIVE_BUILD=1); the js backend will be used');
  process.exit(0);
}
const jobs = process.env.JOBS || '2';
const [cmd, args] = nodeGypCommand();
// Outside npm (which passes its nodedir setting), build against the installed Node headers when present,
// so node-gyp needs no download.
const prefix = path.dirname(path.dirname(process.execPath));
const nodedir = !process.env.npm_config_nodedir && fs.existsSync(path.join(prefix, 'include', 'node', 'common.gypi'))
  ? [`--nodedir=${prefix}`] : [];
const result = spawnSync(cmd, [...args, 'rebuild', `--jobs=${jobs}`, ...nodedir], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  const strict = process.env.CI === 'true' || process.env.LMKIT_REQUIRE_NATIVE === '1';
  console.error(`lmkit: the native addon did not build (exit ${result.status ?? result.signal}); ` +
    (strict ? 'failing because CI=true' : 'lmkit will use its js backend'));
  process.exit(strict ? 1 : 0);
}
