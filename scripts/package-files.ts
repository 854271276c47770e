// The files `npm run dist` packs, computed from electron-builder.yml without running electron-builder
// (it needs Electron's binary): the `files` rules over a built tree, plus the production dependency
// tree (`npm ls --omit=dev`, what electron-builder copies from node_modules) filtered by the same
// rules, with minimatch and js-yaml as electron-builder itself loads them. An upper bound: electron-
// builder also drops some files of its own accord (e.g. .d.ts, test folders of packages).
// `node --import tsx scripts/package-files.ts` prints the package and file counts and the payload.
import { execFileSync } from 'node:child_process';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { repoRoot } from '../test/helpers/shared.ts';

const fromBuilder = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'));
const { minimatch } = fromBuilder('minimatch') as {
  minimatch(path: string, pattern: string, options?: { dot?: boolean }): boolean;
};
const yaml = fromBuilder('js-yaml') as { load(text: string): unknown };

export interface BuilderConfig {
  files: string[];
  linux?: { files?: string[] };
  win?: { files?: string[] };
  mac?: { files?: string[] };
  asarUnpack: string[];
  npmRebuild?: boolean;
  electronFuses?: Record<string, boolean>;
  extraMetadata?: Record<string, unknown>;
}

export async function readBuilderConfig(
  file = join(repoRoot, 'electron-builder.yml'),
): Promise<BuilderConfig> {
  return yaml.load(await readFile(file, 'utf8')) as BuilderConfig;
}

export interface PackedFile {
  /** Relative to the app root, '/'-separated (node_modules/… for dependencies). */
  path: string;
  size: number;
  /** Outside app.asar (asarUnpack). */
  unpacked: boolean;
}

const posix = (p: string) => p.split(sep).join('/');
const match = (path: string, pattern: string) => minimatch(path, pattern, { dot: true });

/** Whether `files` keeps `path`: some positive rule matches and no later negation removes it. */
export function kept(path: string, rules: readonly string[], isDependency: boolean): boolean {
  let keep = isDependency; // dependency files are in unless a rule removes them
  for (const rule of rules) {
    if (rule.startsWith('!')) {
      if (match(path, rule.slice(1))) keep = false;
    } else if (!isDependency && match(path, rule)) keep = true;
  }
  return keep;
}

async function* walk(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '.git') continue;
      yield* walk(full);
    } else if (entry.isFile()) yield full;
  }
}

/** Directories of the production dependency tree (`npm ls --omit=dev --all --parseable`), root excluded. */
export function productionPackages(root: string = repoRoot): string[] {
  const out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return [...new Set(out.split('\n').filter((l) => l.trim() !== '' && l !== root))];
}

export type BuilderPlatform = 'linux' | 'win' | 'mac';

/** The `files` rules for one platform and arch: the common ones, then the platform's, macros expanded. */
export function filesRules(config: BuilderConfig, platform: BuilderPlatform, arch: string): string[] {
  // electron-builder's file macros, ${arch} and ${os}.
  const macros: Record<string, string> = { arch, os: platform };
  return [...config.files, ...(config[platform]?.files ?? [])].map((r) =>
    r.replace(/\$\{(arch|os)\}/g, (_m, name: string) => macros[name] ?? ''),
  );
}

/**
 * The packed files: app files under `appRoot` (node_modules excluded) that the `files` rules keep, and
 * the files of each production package that no negated rule removes.
 */
export async function packageFileSet(
  config: BuilderConfig,
  appRoot: string,
  packages: readonly string[],
  target: { platform: BuilderPlatform; arch: string } = { platform: 'linux', arch: 'x64' },
): Promise<PackedFile[]> {
  const rules = filesRules(config, target.platform, target.arch);
  const files: PackedFile[] = [];
  const add = async (full: string, path: string) => {
    const st = await lstat(full);
    files.push({ path, size: st.size, unpacked: config.asarUnpack.some((r) => match(path, r)) });
  };
  for await (const full of walk(appRoot)) {
    const path = posix(relative(appRoot, full));
    if (path.startsWith('node_modules/')) continue;
    if (kept(path, rules, false)) await add(full, path);
  }
  for (const dir of packages) {
    const at = posix(dir).lastIndexOf('/node_modules/');
    const base = posix(dir).slice(at + 1); // node_modules/<name>[/node_modules/<name>…]
    for await (const full of walk(dir)) {
      const path = `${base}/${posix(relative(dir, full))}`;
      // A nested package's files belong to its own entry in the list.
      if (path.slice(base.length + 1).includes('node_modules/')) continue;
      if (kept(path, rules, true)) await add(full, path);
    }
  }
  return files;
}

if (process.argv[1] === import.meta.filename) {
  const config = await readBuilderConfig();
  const packages = productionPackages();
  const files = await packageFileSet(config, repoRoot, packages);
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  const total = files.reduce((s, f) => s + f.size, 0);
  const unpacked = files.filter((f) => f.unpacked).reduce((s, f) => s + f.size, 0);
  const modules = files.filter((f) => f.path.startsWith('node_modules/')).reduce((s, f) => s + f.size, 0);
  console.log(`production packages: ${packages.length}`);
  console.log(
    `linux-x64 package: ${files.length} files, payload ${mb(total)} (node_modules ${mb(modules)}, unpacked ${mb(unpacked)})`,
  );
}
