// The layout's import rules, by folder: which code may import which. Part of `npm run lint`
// (`node --import tsx scripts/import-rules.ts` prints each violation and exits 1); see
// docs/ARCHITECTURE.md for the processes behind the folders. Biome's noRestrictedImports matches
// specifiers as written, so it cannot tell `../core/service/index.ts` from `../core/store/index.ts`;
// this resolves every relative specifier to a repository path first.
import { readdir, readFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What an import points at: a repository file (path relative to the root, `/`-separated) or a package. */
export type ImportTarget = { file: string } | { pkg: string };

export interface ImportRule {
  /** Files the rule governs: a folder prefix such as `renderer/`. */
  from: string;
  /** Why, as shown with each violation. */
  why: string;
  /** True where `from` may import `target`. */
  allows: (target: ImportTarget) => boolean;
}

export interface Violation {
  file: string;
  specifier: string;
  why: string;
}

const isFile = (t: ImportTarget): t is { file: string } => 'file' in t;
const under = (t: ImportTarget, ...folders: string[]) =>
  isFile(t) && folders.some((f) => t.file.startsWith(f));
const builtin = (t: ImportTarget) =>
  !isFile(t) && (t.pkg.startsWith('node:') || builtinModules.includes(t.pkg.split('/')[0]!));

/** Not the product: neither the app nor the `kith` command may import them. */
const NOT_PRODUCT = ['bench/', 'dev/', 'test/', 'scripts/'];

export const RULES: readonly ImportRule[] = [
  {
    from: 'renderer/',
    why: 'the renderer imports only the API contract (electron/shared/) and browser packages',
    allows: (t) =>
      isFile(t)
        ? t.file.startsWith('renderer/') || t.file.startsWith('electron/shared/')
        : !builtin(t) && t.pkg !== 'electron',
  },
  {
    from: 'electron/shared/',
    // Except the pure box geometry (ml/geometry/box.ts, whose only import is the type-only
    // ml/types.ts): one copy of the drawn-face rule for the service and the viewer.
    why: 'the API contract stands alone: the renderer imports it, so it imports no core, shell or ml code (but the pure box geometry)',
    allows: (t) =>
      !isFile(t) ||
      t.file.startsWith('electron/shared/') ||
      t.file === 'ml/geometry/box.ts' ||
      t.file === 'ml/types.ts',
  },
  {
    from: 'electron/shell/',
    // The main process must not load the service (it runs in the utility process), so it may also
    // read the library's location from paths.ts, which imports nothing of the core.
    why: 'the shell reaches the core only through the service entry (electron/core/service/index.ts)',
    allows: (t) =>
      !under(t, 'electron/core/', 'electron/cli/', 'ml/', 'renderer/', ...NOT_PRODUCT) ||
      (isFile(t) && (t.file === 'electron/core/service/index.ts' || t.file === 'electron/core/paths.ts')),
  },
  {
    from: 'electron/core/',
    why: 'the core knows none of its hosts (shell, CLI) and runs in plain Node',
    allows: (t) =>
      !under(t, 'electron/shell/', 'electron/cli/', 'renderer/') && !(!isFile(t) && t.pkg === 'electron'),
  },
  {
    from: 'electron/',
    why: 'the app and the kith command import no benchmark, dev tool, script or test',
    allows: (t) => !under(t, ...NOT_PRODUCT),
  },
  {
    from: 'ml/',
    why: 'ml/ imports neither the core nor the shell nor the renderer, and no Electron or React',
    allows: (t) =>
      isFile(t) ? t.file.startsWith('ml/') : t.pkg !== 'electron' && !/^react(-dom)?($|\/)/.test(t.pkg),
  },
];

// Static imports and re-exports (`… from '…'`), side-effect imports and dynamic `import('…')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/gm;

/** The import specifiers of a source text, comment lines left out. */
export function importSpecifiers(text: string): string[] {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('//'))
    .join('\n');
  return [...code.matchAll(SPECIFIER)].map((m) => m[2]!);
}

export function resolveTarget(file: string, specifier: string): ImportTarget {
  if (specifier.startsWith('./') || specifier.startsWith('../')) {
    return { file: posix.normalize(posix.join(posix.dirname(file), specifier)) };
  }
  const parts = specifier.split('/');
  return { pkg: specifier.startsWith('@') ? parts.slice(0, 2).join('/') : specifier };
}

/** The violations in `files` (repository paths with their source text). */
export function checkImports(
  files: ReadonlyArray<{ path: string; text: string }>,
  rules: readonly ImportRule[] = RULES,
): Violation[] {
  const out: Violation[] = [];
  for (const { path, text } of files) {
    const governing = rules.filter((r) => path.startsWith(r.from));
    if (governing.length === 0) continue;
    for (const specifier of importSpecifiers(text)) {
      const target = resolveTarget(path, specifier);
      for (const rule of governing) {
        if (!rule.allows(target)) out.push({ file: path, specifier, why: rule.why });
      }
    }
  }
  return out;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** The source files under the governed folders of the repository at `root`. */
export async function readSources(
  root: string,
  rules: readonly ImportRule[] = RULES,
): Promise<Array<{ path: string; text: string }>> {
  const tops = [...new Set(rules.map((r) => r.from.split('/')[0]!))];
  const files: Array<{ path: string; text: string }> = [];
  for (const top of tops) {
    const entries = await readdir(join(root, top), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile() || !SOURCE.test(e.name)) continue;
      const abs = join(e.parentPath, e.name);
      if (abs.includes(`${sep}node_modules${sep}`)) continue;
      files.push({ path: relative(root, abs).split(sep).join('/'), text: await readFile(abs, 'utf8') });
    }
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const violations = checkImports(await readSources(root));
  for (const v of violations) process.stderr.write(`${v.file}: imports ${v.specifier}: ${v.why}\n`);
  if (violations.length > 0) process.exitCode = 1;
  else process.stdout.write('import rules: ok\n');
}
