// What `npm run dist` packs: electron-builder's `files` and `asarUnpack` rules over a freshly built
// tree and the production dependency tree. Only the product: no benchmark, research, dev-bridge, test
// or devDependency code, in the packed files or inside the bundles.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MODELS } from '../../../ml/models/manifest.ts';
import { APP_ENTRIES, type BuildResult, buildApp } from '../../../scripts/build-app.ts';
import {
  type PackedFile,
  packageFileSet,
  productionPackages,
  readBuilderConfig,
} from '../../../scripts/package-files.ts';
import { repoRoot } from '../../helpers/shared.ts';

/** Source that is not the product: benchmarks, peer comparisons, research, the dev bridge, tests, tools. */
const NOT_PRODUCT = [
  /^electron\/cli\//,
  /^bench\//,
  /^dev\//,
  /^scripts\//,
  /^test\//,
  /^renderer\//,
  /^node_modules\//,
];

const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

describe('the package file set', () => {
  let root = '';
  let build: BuildResult;
  let files: PackedFile[] = [];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kith-package-'));
    build = await buildApp(join(root, 'dist'));
    for (const f of ['package.json', 'resources'])
      await cp(join(repoRoot, f), join(root, f), { recursive: true });
    files = await packageFileSet(await readBuilderConfig(), root, productionPackages(repoRoot), {
      platform: 'linux',
      arch: 'x64',
    });
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('holds the built entries, the preload-free app bundles and the default models, unpacked', () => {
    const paths = new Set(files.map((f) => f.path));
    for (const name of Object.keys(APP_ENTRIES)) assert.ok(paths.has(`dist/app/${name}.mjs`), name);
    assert.equal(build.models.length, 3);
    for (const m of build.models) {
      const f = files.find((x) => x.path === `dist/${m}`);
      assert.ok(f?.unpacked, `${m} packed outside the asar`);
    }
    assert.ok(paths.has('package.json'));
    // Every shipped projection (read with fs from the app root: inside the asar is fine), not its README.
    for (const m of MODELS) {
      if (m.source.kind !== 'projected') continue;
      assert.ok(paths.has(m.source.resource), `${m.source.resource} packed`);
    }
    assert.ok(!paths.has('resources/projections/README.md'));
  });

  test('packs no source, bench, research, dev-bridge or test files', () => {
    const app = files.filter((f) => !f.path.startsWith('node_modules/'));
    const stray = app.filter(
      (f) =>
        !/^(dist\/(app|renderer|shell|models|native)\/|resources\/(icons|projections)\/|package\.json$)/.test(
          f.path,
        ),
    );
    assert.deepEqual(
      stray.map((f) => f.path),
      [],
    );
    assert.deepEqual(
      app.filter((f) => /\.(ts|tsx|map)$/.test(f.path)).map((f) => f.path),
      [],
    );
  });

  test('packs no devDependency; native runtimes only for the target platform', () => {
    const packed = new Set(
      files.map((f) =>
        f.path
          .split('/')
          .slice(0, f.path.startsWith('node_modules/@') ? 3 : 2)
          .join('/'),
      ),
    );
    // A devDependency that a runtime dependency also needs (node-abi, under prebuild-install) is in
    // the production tree; every other one must be absent.
    const production = new Set(
      productionPackages(repoRoot).map((d) => d.slice(d.lastIndexOf('node_modules/'))),
    );
    for (const dev of Object.keys(pkg.devDependencies)) {
      if (production.has(`node_modules/${dev}`)) continue;
      assert.ok(!packed.has(`node_modules/${dev}`), `devDependency ${dev} is packed`);
    }
    for (const tool of ['tsx', 'esbuild', 'faceplugin-face-recognition-js', 'electron', 'vite', 'react']) {
      assert.ok(!packed.has(`node_modules/${tool}`), tool);
    }
    assert.ok(packed.has('node_modules/onnxruntime-node') && packed.has('node_modules/better-sqlite3'));
    const ort = files.filter((f) => /^node_modules\/onnxruntime-node\/bin\//.test(f.path));
    assert.ok(
      ort.length > 0 && ort.every((f) => f.path.includes('/linux/x64/')),
      'onnxruntime for linux-x64 only',
    );
    assert.ok(!files.some((f) => /^node_modules\/better-sqlite3\/(deps|src|build)\//.test(f.path)));
  });

  test('the bundles hold only product code and import only runtime dependencies', () => {
    assert.ok(build.inputs.includes('electron/shell/service-process.ts'));
    assert.deepEqual(
      build.inputs.filter((i) => NOT_PRODUCT.some((re) => re.test(i))),
      [],
      'bundled sources that are not the product',
    );
    const allowed = new Set(['electron', ...Object.keys(pkg.dependencies)]);
    const bare = (spec: string) =>
      spec
        .split('/')
        .slice(0, spec.startsWith('@') ? 2 : 1)
        .join('/');
    assert.deepEqual(
      build.externals.filter((e) => !allowed.has(bare(e))),
      [],
    );
  });
});
