import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { UsageError } from '../../../electron/cli/args.ts';
import { peopleCommand } from '../../../electron/cli/people.ts';
import {
  faceCommand,
  historyCommand,
  personCommand,
  redoCommand,
  undoCommand,
} from '../../../electron/cli/people-verbs.ts';
import { recluster } from '../../../electron/core/people/recluster.ts';
import { buildLibrary, EMBEDDER, THRESHOLD } from './fixtures.ts';

/** Runs a verb with stdout captured. */
async function run(fn: (args: string[]) => Promise<number>, args: string[]) {
  const write = process.stdout.write;
  let out = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  try {
    const code = await fn(args);
    return { code, out };
  } finally {
    process.stdout.write = write;
  }
}

async function setup(t: { after(fn: () => void): void }) {
  const fx = buildLibrary(t);
  await recluster(fx.lib, { embedderId: EMBEDDER, threshold: THRESHOLD });
  const personOf = (f: number) => fx.lib.read.getAssignment(f)?.personId;
  return { ...fx, personOf, at: ['--library', fx.dir] };
}

describe('kith person / face / undo / redo', () => {
  test('each verb makes its correction and prints the CorrectionResult with --json', async (t) => {
    const w = await setup(t);
    const pA = w.personOf(w.faces.A[0]!)!;
    const pC = w.personOf(w.faces.C[0]!)!;

    const renamed = await run(personCommand, ['rename', String(pA), 'Ann', 'Lee', ...w.at, '--json']);
    assert.equal(renamed.code, 0);
    assert.deepEqual(JSON.parse(renamed.out), { correctionId: 1, op: 'rename', personIds: [pA] });
    const text = await run(personCommand, ['rename', String(pA), 'Ann', ...w.at]);
    assert.equal(text.out, `#${pA} is "Ann".\n`);

    const moved = await run(faceCommand, ['move', String(w.faces.x[0]), '--to', 'new', ...w.at, '--json']);
    const newPerson = JSON.parse(moved.out).personIds[0];
    assert.equal(w.personOf(w.faces.x[0]!), newPerson);

    const rejected = await run(faceCommand, ['reject', String(w.faces.r[0]), ...w.at]);
    assert.equal(rejected.code, 0);
    assert.equal(w.personOf(w.faces.r[0]!), undefined);

    await run(faceCommand, ['confirm', ...w.faces.A.slice(0, 2).map(String), '--to', String(pA), ...w.at]);
    assert.deepEqual(
      w.faces.A.slice(0, 2).map((f) => w.lib.read.getAssignment(f)),
      w.faces.A.slice(0, 2).map((f) => ({ ...w.lib.read.getAssignment(f)!, personId: pA, source: 'user' })),
    );

    const split = await run(faceCommand, ['split', ...w.faces.B2.map(String), ...w.at, '--json']);
    assert.equal(JSON.parse(split.out).op, 'split');

    await run(personCommand, ['hide', String(pC), ...w.at]);
    await run(personCommand, ['merge', String(pA), String(newPerson), ...w.at]);
    assert.equal(w.personOf(w.faces.x[0]!), pA);

    const history = await run(historyCommand, [...w.at, '--json']);
    assert.deepEqual(
      JSON.parse(history.out).entries.map((e: { op: string }) => e.op),
      ['merge', 'set-hidden', 'split', 'confirm', 'reject', 'move', 'rename', 'rename'],
    );

    const undone = await run(undoCommand, [...w.at, '--json']);
    assert.equal(JSON.parse(undone.out).op, 'merge');
    assert.equal(w.personOf(w.faces.x[0]!), newPerson);
    const redone = await run(redoCommand, [...w.at]);
    assert.match(redone.out, /^Redid correction \d+ \(merge\)\.\n$/);
    const nothing = await run(redoCommand, [...w.at, '--json']);
    assert.deepEqual(nothing, { code: 1, out: 'null\n' });
  });

  test('names: the name rule refuses bad ones; a stored name never reaches the terminal raw', async (t) => {
    const w = await setup(t);
    const pA = w.personOf(w.faces.A[0]!)!;
    const refused: Array<[string, RegExp]> = [
      ['Eve\u001b[2J', /control character \(U\+001B\)/],
      ['a\u001fb', /control character \(U\+001F\)/],
      ['\ud800', /lone surrogate/],
      ['x'.repeat(300), /at most 200 characters \(this one has 300\)/],
    ];
    for (const [name, why] of refused) {
      await assert.rejects(run(personCommand, ['rename', String(pA), name, ...w.at]), why);
    }
    assert.equal(w.lib.read.getPerson(pA)?.name, null, 'nothing was stored');
    assert.equal((await run(historyCommand, [...w.at])).out, 'No corrections yet.\n');
    const nfd = await run(personCommand, ['rename', String(pA), 'Jose\u0301', ...w.at]);
    assert.equal(nfd.out, `#${pA} is "Jos\u00e9".\n`);

    // A library from before the rule: the name and its log entry hold escape codes.
    const evil = 'Eve\u001b]0;owned\u0007\u001b[2J\u009b31m';
    w.lib.write.renamePerson(pA, evil);
    w.lib.write.insertCorrection('rename', { personId: pA, name: evil }, {});
    const people = await run(peopleCommand, [...w.at]);
    const history = await run(historyCommand, [...w.at]);
    for (const out of [people.out, history.out]) {
      assert.doesNotMatch(out.replaceAll('\n', ''), /\p{Cc}/u, JSON.stringify(out));
      assert.ok(out.includes('Eve\\x1b]0;owned\\x07\\x1b[2J\\x9b31m'), out);
    }
    // JSON stays exact (JSON.stringify escapes control characters itself).
    const json = JSON.parse((await run(peopleCommand, [...w.at, '--json'])).out);
    assert.equal(json.people.find((p: { id: number }) => p.id === pA).name, evil);
  });

  test('bad input gives clear errors', async (t) => {
    const w = await setup(t);
    await assert.rejects(run(personCommand, ['rename', 'abc', 'Ann', ...w.at]), UsageError);
    await assert.rejects(run(personCommand, ['rename', '3', ...w.at]), UsageError);
    await assert.rejects(run(personCommand, ['merge', '3', ...w.at]), UsageError);
    await assert.rejects(run(personCommand, ['explode', '3', ...w.at]), /Unknown verb "person explode"/);
    await assert.rejects(run(faceCommand, ['move', '1', ...w.at]), /--to/);
    await assert.rejects(run(faceCommand, ['reject', '1', '--to', '2', ...w.at]), UsageError);
    await assert.rejects(run(faceCommand, ['move', '1', '--to', 'x', ...w.at]), UsageError);
    await assert.rejects(run(personCommand, ['hide', '999', ...w.at]), /There is no person #999/);
    await assert.rejects(run(faceCommand, ['reject', '99999', ...w.at]), /There is no face 99999/);
    await assert.rejects(run(undoCommand, ['now', ...w.at]), UsageError);

    const empty = mkdtempSync(join(tmpdir(), 'kith-nolib-'));
    t.after(() => rmSync(empty, { recursive: true, force: true }));
    await assert.rejects(run(undoCommand, ['--library', empty]), /No Kith library at/);
    assert.deepEqual(await run(undoCommand, [...w.at]), { code: 1, out: 'Nothing to undo.\n' });
  });
});
