// The packaging config and package.json as a current npm and electron-builder read them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { readBuilderConfig } from '../../../scripts/package-files.ts';
import { repoRoot } from '../../helpers/shared.ts';

const config = await readBuilderConfig();
const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  scripts: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

test('Electron fuses: no RunAsNode, NODE_OPTIONS or --inspect; the app only from an integrity-checked asar', () => {
  assert.deepEqual(
    {
      runAsNode: config.electronFuses?.runAsNode,
      enableNodeOptionsEnvironmentVariable: config.electronFuses?.enableNodeOptionsEnvironmentVariable,
      enableNodeCliInspectArguments: config.electronFuses?.enableNodeCliInspectArguments,
      enableEmbeddedAsarIntegrityValidation: config.electronFuses?.enableEmbeddedAsarIntegrityValidation,
      onlyLoadAppFromAsar: config.electronFuses?.onlyLoadAppFromAsar,
    },
    {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    },
  );
});

test('packaging never rebuilds node_modules in place; the Electron build and the models are unpacked', () => {
  assert.equal(config.npmRebuild, false);
  assert.equal(config.extraMetadata?.main, undefined, 'the entry is package.json main');
  for (const dir of ['dist/native/**', 'dist/models/**']) assert.ok(config.asarUnpack.includes(dir), dir);
  assert.match(pkg.scripts.dist ?? '', /npm run build && npm run build:native && electron-builder/);
  assert.match(
    pkg.scripts.start ?? '',
    /npm run build && npm run build:native && electron dist\/app\/main\.mjs/,
  );
});

test('the app runs built code: build tools and the models package are not runtime dependencies', () => {
  assert.equal(pkg.main, 'dist/app/main.mjs');
  for (const name of ['tsx', 'esbuild', 'faceplugin-face-recognition-js', 'electron', 'vite']) {
    assert.equal(pkg.dependencies[name], undefined, `${name} is not a runtime dependency`);
    assert.ok(pkg.devDependencies[name], `${name} is a devDependency`);
  }
});

const npmMajor = Number(execFileSync('npm', ['--version'], { encoding: 'utf8' }).split('.')[0]);

test('allowScripts covers every install script in the tree (npm install-scripts ls)', {
  skip: npmMajor < 11 && 'npm < 11 has no allowScripts',
}, () => {
  for (const name of ['better-sqlite3', 'electron', 'esbuild', 'onnxruntime-node']) {
    assert.equal(pkg.allowScripts[name], true, name);
  }
  const out = execFileSync('npm', ['install-scripts', 'ls'], { cwd: repoRoot, encoding: 'utf8' });
  assert.match(out, /No packages with unreviewed install scripts/);
});
