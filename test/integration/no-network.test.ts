// Zero network at run time. The core (a real scan of real photos with the npm-shipped face models,
// grouping, people, exports, the model listing) and the UI (the HTTP bridge serving the built
// renderer to Debian's Chromium, with a person opened and its faces and photos shown) run while two
// independent watchers look for any attempt to reach another machine:
// - in each Node process, scripts/security-netguard.ts (connect, UDP, DNS, fetch, http(s));
// - under strace (when the machine has it), every connect/sendto/sendmsg system call of the whole
//   process tree, native code and worker threads included;
// - in the browser, every request the page makes must go to the bridge's 127.0.0.1 origin (or be
//   data:/blob:); anything else is aborted and recorded.
// Canaries first prove each watcher sees a real attempt. Model downloads: the download code is not
// reachable from the app, the bridge or the service, only from `kith models download`, and that
// command is the one thing here that does try to reach out.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { isLocalHost } from '../../scripts/security-netguard.ts';
import { launchChromium, needChromium } from '../e2e/browser.ts';
import { buildRenderer } from '../e2e/build.ts';
import { needShared, repoRoot, sharedDataDir } from '../helpers/shared.ts';

const photos = join(sharedDataDir, 'photos-dev/face_recognition/examples/knn_examples');
const GUARD = join(repoRoot, 'scripts/security-netguard.ts');

/** strace with a seccomp filter (only the traced calls stop the process), if this machine allows it. */
const hasStrace =
  existsSync('/usr/bin/strace') &&
  spawnSync('/usr/bin/strace', ['-f', '--seccomp-bpf', '-e', 'trace=execve', '-o', '/dev/null', 'true'])
    .status === 0;

let root = '';
let n = 0;

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'kith-no-network-'));
});
after(() => rm(root, { recursive: true, force: true }));

interface Watched {
  guardLog: string;
  traceLog: string | null;
}

/** The command line that runs `args` (node arguments) under the guard and, if possible, strace. */
function watched(args: string[]): { command: string; argv: string[]; files: Watched } {
  n++;
  const guardLog = join(root, `guard-${n}.jsonl`);
  const traceLog = hasStrace ? join(root, `trace-${n}.txt`) : null;
  const node = [process.execPath, '--import', 'tsx', '--import', GUARD, ...args];
  const argv = traceLog
    ? ['-f', '--seccomp-bpf', '-e', 'trace=execve,connect,sendto,sendmsg', '-o', traceLog, ...node]
    : node.slice(1);
  return { command: traceLog ? '/usr/bin/strace' : process.execPath, argv, files: { guardLog, traceLog } };
}

function childEnv(guardLog: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, KITH_NETGUARD_LOG: guardLog };
  delete env.KITH_MODELS_DIR; // the npm-shipped models: nothing to fetch, nothing outside the repo
  delete env.KITH_LIBRARY;
  return env;
}

async function run(args: string[], timeoutMs = 240_000) {
  const { command, argv, files } = watched(args);
  const child = spawn(command, argv, { cwd: repoRoot, env: childEnv(files.guardLog) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  clearTimeout(timer);
  return { code, stdout, stderr, files };
}

interface Attempt {
  kind: string;
  target: string;
  pid: number;
}

async function guardRecords(file: string): Promise<{ installed: number; attempts: Attempt[] }> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const records = text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Attempt);
  return {
    installed: records.filter((r) => r.kind === 'installed').length,
    attempts: records.filter((r) => r.kind !== 'installed'),
  };
}

/** Non-loopback destinations of connect/sendto/sendmsg in an strace log. */
function outboundInTrace(trace: string): string[] {
  const out: string[] = [];
  for (const line of trace.split('\n')) {
    if (!/sa_family=AF_INET6?\b/.test(line)) continue;
    const v4 = /sin_port=htons\((\d+)\), sin_addr=inet_addr\("([^"]+)"\)/.exec(line);
    const v6 = /sin6_port=htons\((\d+)\).*?inet_pton\(AF_INET6, "([^"]+)"/.exec(line);
    const m = v4 ?? v6;
    if (!m)
      out.push(line.trim()); // an address it could not read counts as outbound
    else if (!isLocalHost(m[2])) out.push(`${m[2]}:${m[1]}`);
  }
  return out;
}

/** Asserts that a watched run reached nothing outside the machine (and that the watchers ran). */
async function assertNoNetwork(files: Watched, label: string): Promise<void> {
  const g = await guardRecords(files.guardLog);
  assert.ok(g.installed >= 1, `${label}: the network guard was installed`);
  assert.deepEqual(g.attempts, [], `${label}: network attempts seen by the guard`);
  if (files.traceLog) {
    const trace = await readFile(files.traceLog, 'utf8');
    assert.match(trace, /execve\(/, `${label}: strace traced the process`);
    assert.deepEqual(outboundInTrace(trace), [], `${label}: outbound connections seen by strace`);
  }
}

// ── the watchers see real attempts ────────────────────────────────────────────────────────────

describe('the watchers', () => {
  test('the guard records fetch, TCP, DNS and UDP attempts and refuses them', async () => {
    const script = [
      "const net = await import('node:net'); const dns = await import('node:dns'); const dgram = await import('node:dgram');",
      "await fetch('http://192.0.2.1/x').catch(() => {});",
      "await new Promise((r) => net.connect(9, '198.51.100.7').on('error', r));",
      "await new Promise((r) => dns.lookup('example.com', r));",
      "await new Promise((r) => { const s = dgram.createSocket('udp4'); s.send('x', 53, '203.0.113.9', () => { s.close(); r(); }); });",
      "const srv = net.createServer((s) => s.end()); await new Promise((r) => srv.listen(0, '127.0.0.1', r));",
      'await new Promise((r) => net.connect(srv.address().port, "127.0.0.1", r)); srv.close();',
    ].join('\n');
    const r = await run(['--input-type=module', '-e', script], 60_000);
    assert.equal(r.code, 0, r.stderr);
    const g = await guardRecords(r.files.guardLog);
    assert.deepEqual(
      g.attempts.map((a) => `${a.kind} ${a.target}`),
      ['fetch http://192.0.2.1/x', 'connect 198.51.100.7:9', 'dns example.com', 'udp 203.0.113.9'],
    );
  });

  test('strace sees a connect() the guard does not (native code)', {
    skip: !hasStrace && 'no strace',
  }, async () => {
    const { command, argv, files } = watched([
      '-e',
      "require('node:net').connect(9, '192.0.2.44').on('error', () => {}); setTimeout(() => process.exit(0), 300);",
    ]);
    // Without the guard's log variable the guard stays off, as native code would bypass it.
    const env = childEnv(files.guardLog);
    delete env.KITH_NETGUARD_LOG;
    const r = spawnSync(command, argv, { cwd: repoRoot, env, timeout: 60_000 });
    assert.equal(r.status, 0, String(r.stderr));
    assert.deepEqual(outboundInTrace(await readFile(files.traceLog!, 'utf8')), ['192.0.2.44:9']);
  });
});

// ── the core ──────────────────────────────────────────────────────────────────────────────────

const library = () => join(root, 'library');

/** The app's utility process (scripts/security-utility.ts runs service-process.ts), watched. */
function utilityProcess() {
  const { command, argv, files } = watched([join(repoRoot, 'scripts/security-utility.ts')]);
  const child = spawn(command, argv, {
    cwd: repoRoot,
    env: childEnv(files.guardLog),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages: Array<Record<string, unknown>> = [];
  let buf = '';
  child.stdout.on('data', (d: Buffer) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) if (l.trim()) messages.push(JSON.parse(l) as Record<string, unknown>);
  });
  const exited = new Promise<number | null>((ok) => child.on('exit', ok));
  const post = (m: unknown) => child.stdin.write(`${JSON.stringify(m)}\n`);
  async function next(match: (m: Record<string, unknown>) => boolean, ms = 300_000) {
    const end = Date.now() + ms;
    for (;;) {
      const i = messages.findIndex(match);
      if (i >= 0) return messages.splice(i, 1)[0]!;
      if (Date.now() > end) throw new Error('no answer from the utility process');
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  let id = 0;
  async function call(method: string, input: unknown = {}): Promise<unknown> {
    const mine = ++id;
    post({ type: 'call', id: mine, method, input });
    const r = (await next((m) => m.type === 'result' && m.id === mine)) as {
      envelope: { ok: boolean; value?: unknown; error?: { message: string } };
    };
    assert.ok(r.envelope.ok, `${method}: ${r.envelope.error?.message}`);
    return r.envelope.value;
  }
  return { files, post, next, call, exited };
}

describe('the core opens no outbound connection', { skip: needShared }, () => {
  test("the app's library service: scan, grouping, people and exports", { timeout: 600_000 }, async () => {
    const out = join(root, 'out');
    const svc = utilityProcess();
    svc.post({ type: 'init', libraryDir: library() });
    await svc.next((m) => m.type === 'ready' || m.type === 'fatal');
    await svc.call('addFolder', { path: photos });
    await svc.call('startScan');
    let status: { state: string; analyzed: number; faces: number } = {
      state: 'running',
      analyzed: 0,
      faces: 0,
    };
    while (['running', 'paused', 'finishing', 'grouping'].includes(status.state)) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await svc.call('getScanStatus')) as typeof status;
    }
    assert.equal(status.state, 'done', JSON.stringify(status));
    assert.ok(status.analyzed >= 10 && status.faces >= 10, JSON.stringify(status));
    const people = (await svc.call('listPeople')) as { people: unknown[] };
    assert.ok(people.people.length >= 4, `people found: ${people.people.length}`);
    for (const format of ['json', 'folders']) {
      const summary = (await svc.call('exportLibrary', { format, out: join(out, format) })) as {
        items: number;
      };
      assert.ok(summary.items > 0, `${format} export wrote items`);
      assert.ok((await readdir(join(out, format))).length > 0, `${format} export wrote files`);
    }
    svc.post({ type: 'close' });
    assert.equal(await svc.exited, 0);
    await assertNoNetwork(svc.files, 'library service');
  });

  // ml/models/offline-env.ts switches onnxruntime's telemetry off for every process that loads it.
  test('the kith command line: scan, people, export, models', {
    timeout: 600_000,
  }, async () => {
    const out = join(root, 'cli-out');
    const lib = join(root, 'cli-library');
    const kith = join(repoRoot, 'bin/kith.js');
    const scan = await run([kith, 'scan', photos, '--library', lib, '--workers', '2']);
    assert.equal(scan.code, 0, scan.stderr);
    await assertNoNetwork(scan.files, 'kith scan');
    const people = await run([kith, 'people', '--library', lib, '--json']);
    assert.equal(people.code, 0, people.stderr);
    const listed = JSON.parse(people.stdout.trim().split('\n').pop()!) as { people: unknown[] };
    assert.ok(listed.people.length >= 4, `people found: ${listed.people.length}`);
    await assertNoNetwork(people.files, 'kith people');
    const r = await run([kith, 'export', '--format', 'json', '--out', join(out, 'json'), '--library', lib]);
    assert.equal(r.code, 0, r.stderr);
    await assertNoNetwork(r.files, 'kith export');
    const models = await run([kith, 'models', '--json']);
    assert.equal(models.code, 0, models.stderr);
    await assertNoNetwork(models.files, 'kith models');
  });
});

// ── model downloads only when the user asks ───────────────────────────────────────────────────

/** The repository files `entry` imports, transitively (relative .ts imports, static and dynamic). */
async function importGraph(entry: string): Promise<Set<string>> {
  const seen = new Set<string>();
  const queue = [resolve(repoRoot, entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*)['"](\.{1,2}\/[^'"]+\.(?:ts|tsx|mts))['"]/g)) {
      queue.push(resolve(dirname(file), m[1]!));
    }
  }
  return new Set([...seen].map((f) => relative(repoRoot, f)));
}

describe('model downloads happen only when the user asks', () => {
  const DOWNLOAD = 'ml/models/download.ts';

  test('the app, the utility process, the bridge and the service cannot reach the download code', async () => {
    for (const entry of [
      'electron/shell/main.ts',
      'electron/shell/service-process.ts',
      'dev/bridge.ts',
      'electron/core/service/library-service.ts',
      'dev/web.ts',
    ]) {
      const graph = await importGraph(entry);
      assert.ok(graph.size > 5, `${entry}: ${graph.size} modules`);
      assert.ok(!graph.has(DOWNLOAD), `${entry} reaches ${DOWNLOAD}`);
    }
    // In the CLI only `kith models download` calls it.
    const cli = await importGraph('electron/cli/main.ts');
    assert.ok(cli.has(DOWNLOAD));
    const importers: string[] = [];
    for (const file of cli) {
      const text = await readFile(join(repoRoot, file), 'utf8');
      if (/from\s+['"][./]*(?:ml\/)?models\/download\.ts['"]/.test(text)) importers.push(file);
    }
    assert.deepEqual(importers, ['electron/cli/models.ts']);
    const models = await readFile(join(repoRoot, 'electron/cli/models.ts'), 'utf8');
    assert.equal(models.match(/\bdownloadModel\(/g)?.length, 1, 'one call site');
    assert.match(models, /if \(args\[0\] === 'download'\) return downloadCommand\(/);
  });

  test('`kith models download` is the one command that reaches out (and the guard sees it)', async () => {
    const dir = join(root, 'models');
    await mkdir(dir, { recursive: true });
    const r = await run(
      [
        join(repoRoot, 'bin/kith.js'),
        'models',
        'download',
        'yunet-n',
        '--models-dir',
        dir,
        '--url',
        'https://192.0.2.1/yunet.onnx',
      ],
      120_000,
    );
    assert.notEqual(r.code, 0, 'refused by the guard');
    const g = await guardRecords(r.files.guardLog);
    assert.ok(
      g.attempts.some((a) => a.target.includes('192.0.2.1')),
      `the download attempt was seen: ${JSON.stringify(g.attempts)}`,
    );
    assert.deepEqual(await readdir(dir), [], 'nothing half-written is left');
  });
});

// ── the UI ────────────────────────────────────────────────────────────────────────────────────

describe('the UI opens no outbound connection', { skip: needShared || needChromium }, () => {
  test('the bridge and the renderer in Chromium: every request goes to the bridge', {
    timeout: 600_000,
  }, async () => {
    assert.ok(existsSync(library()), 'the core test scanned the library first');
    const staticDir = await buildRenderer(join(root, 'renderer'));
    const { command, argv, files } = watched([
      join(repoRoot, 'scripts/security-bridge.ts'),
      '--library',
      library(),
      '--static',
      staticDir,
    ]);
    const child = spawn(command, argv, {
      cwd: repoRoot,
      env: childEnv(files.guardLog),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    // 'exit', not 'close': under strace the pipe is the bridge's, and strace's exit is what counts.
    const exited = new Promise<number | null>((ok) => child.on('exit', ok));
    const info = await new Promise<{ url: string; origin: string; pid: number }>((ok, fail) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d;
        const line = buf.split('\n').find((l) => l.startsWith('{'));
        if (line) ok(JSON.parse(line) as { url: string; origin: string; pid: number });
      });
      child.on('exit', (code) => fail(new Error(`the bridge exited (${code})`)));
    });
    assert.match(info.origin, /^http:\/\/127\.0\.0\.1:\d+$/);

    const browser = await launchChromium();
    const requests: string[] = [];
    const refused: string[] = [];
    const sockets: string[] = [];
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const allowed = (url: string) => url.startsWith(`${info.origin}/`) || /^(data|blob):/.test(url);
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (allowed(url)) return route.continue();
        refused.push(url);
        return route.abort('blockedbyclient');
      });
      context.on('request', (r) => requests.push(r.url()));
      const page = await context.newPage();
      page.on('websocket', (ws) => sockets.push(ws.url()));
      await page.goto(info.url);
      await page
        .getByRole('button', { name: /^People/ })
        .first()
        .click();
      const cards = page.locator('[role="listbox"][aria-label="People"] [role="option"]');
      await cards.first().waitFor({ timeout: 60_000 });
      await page.locator('[role="listbox"][aria-label="People"] [data-index="0"]').click();
      await page.locator('.person-hero').waitFor({ timeout: 60_000 });
      await page
        .locator('[role="listbox"][aria-label^="Faces of"] [data-index="0"]')
        .waitFor({ timeout: 60_000 });
      // Every image on the page (faces, photos) has loaded. A function, not a string: the app's CSP
      // has no 'unsafe-eval' (this file has no DOM types, hence the structural type).
      await page.waitForLoadState('networkidle');
      await page.waitForFunction(
        () => {
          const images = (globalThis as unknown as { document: { images: ArrayLike<{ complete: boolean }> } })
            .document.images;
          return images.length > 0 && Array.from(images).every((i) => i.complete);
        },
        undefined,
        { timeout: 60_000 },
      );
      await page.screenshot({ path: join(root, 'person.png') });
    } finally {
      await browser.close();
      // The bridge itself (strace, if it runs it, ends with it).
      process.kill(info.pid, 'SIGTERM');
      await exited;
    }
    assert.deepEqual(refused, [], 'requests to anywhere but the bridge');
    assert.deepEqual(sockets, [], 'no WebSocket');
    assert.ok(requests.length >= 5, `the UI loaded (${requests.length} requests)`);
    assert.ok(
      requests.some((u) => u.includes('/media/')),
      'faces and photos were loaded',
    );
    const elsewhere = requests.filter((u) => !u.startsWith(`${info.origin}/`) && !/^(data|blob):/.test(u));
    assert.deepEqual(elsewhere, []);
    await assertNoNetwork(files, 'bridge');
    await writeFile(join(root, 'requests.txt'), requests.join('\n'));
  });
});
