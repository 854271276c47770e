// The layout's import rules (scripts/import-rules.ts): the repository keeps them, and a violating
// import in each governed folder is reported, whether static, re-exported or dynamic.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { checkImports, importSpecifiers, readSources } from '../../../scripts/import-rules.ts';
import { repoRoot } from '../../helpers/shared.ts';

const bad = (files: Record<string, string>) =>
  checkImports(Object.entries(files).map(([path, text]) => ({ path, text }))).map(
    (v) => `${v.file} -> ${v.specifier}`,
  );

describe('import rules by folder', () => {
  test('the repository keeps them', async () => {
    const files = await readSources(repoRoot);
    assert.ok(files.some((f) => f.path === 'renderer/src/App.tsx'));
    assert.ok(files.some((f) => f.path === 'electron/shell/service-process.ts'));
    assert.deepEqual(checkImports(files), []);
  });

  test('the renderer imports only the API contract', () => {
    assert.deepEqual(
      bad({
        'renderer/src/a.tsx': [
          "import { useState } from 'react';",
          "import type { Api } from '../../electron/shared/api.ts';",
          "import { format } from './format.ts';",
          "import { openLibrary } from '../../electron/core/store/index.ts';",
          "import { readFile } from 'node:fs/promises';",
          "const p = await import('../../ml/pipeline.ts');",
          "import { ipcRenderer } from 'electron';",
        ].join('\n'),
      }),
      [
        'renderer/src/a.tsx -> ../../electron/core/store/index.ts',
        'renderer/src/a.tsx -> node:fs/promises',
        'renderer/src/a.tsx -> ../../ml/pipeline.ts',
        'renderer/src/a.tsx -> electron',
      ],
    );
  });

  test('the shell reaches the core only through the service entry', () => {
    assert.deepEqual(
      bad({
        'electron/shell/x.ts': [
          "import { app } from 'electron';",
          "import { LibraryService } from '../core/service/index.ts';",
          "import { userDataDir } from '../core/paths.ts';",
          "import { api } from '../shared/api.ts';",
          "import { openLibrary } from '../core/store/library.ts';",
          "export { dispatch } from '../core/service/dispatch.ts';",
          "import { decodeImage } from '../../ml/image/decode.ts';",
        ].join('\n'),
      }),
      [
        'electron/shell/x.ts -> ../core/store/library.ts',
        'electron/shell/x.ts -> ../core/service/dispatch.ts',
        'electron/shell/x.ts -> ../../ml/image/decode.ts',
      ],
    );
  });

  test('ml/ imports neither the core, the shell nor the renderer', () => {
    assert.deepEqual(
      bad({
        'ml/cluster/y.ts': [
          "import { sqDist } from '../embed/vector.ts';",
          "import sharp from 'sharp';",
          "import { api } from '../../electron/shared/api.ts';",
          "import { openLibrary } from '../../electron/core/store/index.ts';",
          "import { BrowserWindow } from 'electron';",
          "import { App } from '../../renderer/src/App.tsx';",
        ].join('\n'),
      }),
      [
        'ml/cluster/y.ts -> ../../electron/shared/api.ts',
        'ml/cluster/y.ts -> ../../electron/core/store/index.ts',
        'ml/cluster/y.ts -> electron',
        'ml/cluster/y.ts -> ../../renderer/src/App.tsx',
      ],
    );
  });

  test('the product imports no bench or dev code; the contract and the core stay below their hosts', () => {
    assert.deepEqual(
      bad({
        'electron/cli/main.ts': "import { benchCommand } from '../../bench/cli/bench.ts';",
        'electron/core/service/z.ts': "import { startBridge } from '../../../dev/bridge.ts';",
        'electron/core/store/w.ts': "import { registerIpc } from '../../shell/ipc.ts';",
        'electron/shared/api.ts': "import type { LibraryService } from '../core/service/index.ts';",
        // Not governed: benchmarks and dev tools may import the product.
        'bench/cli/bench.ts': "import { runCli } from '../../electron/cli/args.ts';",
      }),
      [
        'electron/cli/main.ts -> ../../bench/cli/bench.ts',
        'electron/core/service/z.ts -> ../../../dev/bridge.ts',
        'electron/core/store/w.ts -> ../../shell/ipc.ts',
        'electron/shared/api.ts -> ../core/service/index.ts',
      ],
    );
  });

  test('comments are not imports', () => {
    const text = [
      "// import { x } from '../../electron/core/store/index.ts';",
      "/* see import('../../ml/pipeline.ts') */",
      "import { y } from './y.ts';",
    ].join('\n');
    assert.deepEqual(importSpecifiers(text), ['./y.ts']);
  });

  test('a violating file on disk is found and reported', async () => {
    const root = await mkdtemp(join(tmpdir(), 'kith-import-rules-'));
    try {
      const put = async (path: string, text: string) => {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), text);
      };
      await put('renderer/src/ok.ts', "import { api } from '../../electron/shared/api.ts';\n");
      await put(
        'renderer/src/components/Bad.tsx',
        "import { scan } from '../../../electron/core/scan-job.ts';\n",
      );
      await put('test/anything.ts', "import { scan } from '../electron/core/scan-job.ts';\n");
      const violations = checkImports(await readSources(root));
      assert.deepEqual(
        violations.map((v) => [v.file, v.specifier]),
        [['renderer/src/components/Bad.tsx', '../../../electron/core/scan-job.ts']],
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
