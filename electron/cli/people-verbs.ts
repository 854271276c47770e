// `kith person …`, `kith face …`, `kith undo`, `kith redo`, `kith history`: the corrections of
// core/people/corrections.ts from the command line. Each prints what it did, or with --json one
// CorrectionResult object (undo/redo with nothing to do print `null` and exit 1).
import { resolve } from 'node:path';
import { defaultLibraryDir } from '../core/paths.ts';
import { type CorrectionResult, Corrections } from '../core/people/corrections.ts';
import { type Library, openLibrary } from '../core/store/library.ts';
import { printable } from '../shared/names.ts';
import { commonOptions, intOption, parse, UsageError } from './args.ts';
import { PEOPLE_VERBS_USAGE } from './usage.ts';

/** Lines for the `kith` usage text (main.ts owns the text; these are the corrections' part). */

const options = {
  library: commonOptions.library,
  json: commonOptions.json,
  help: commonOptions.help,
};

function parseId(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UsageError(`${what} must be a positive integer id, got "${value}"`);
  }
  return n;
}

function parseIds(values: readonly string[], what: string): number[] {
  if (values.length === 0) throw new UsageError(`give at least one ${what}`);
  return values.map((v) => parseId(v, what));
}

/** Opens an existing library for writing; a clear error when there is none (never creates one). */
function withLibrary<T>(dir: string | undefined, fn: (library: Library) => T): T {
  const library = openLibrary(resolve(dir ?? defaultLibraryDir()));
  try {
    return fn(library);
  } finally {
    library.close();
  }
}

function print(result: CorrectionResult | null, json: boolean | undefined, text: string): number {
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${text}\n`);
  return result === null ? 1 : 0;
}

const people = (ids: readonly number[]) => ids.map((id) => `#${id}`).join(', ');

function usage(text: string): number {
  process.stdout.write(text);
  return 0;
}

export async function personCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, options);
  if (values.help) return usage(PEOPLE_VERBS_USAGE);
  const [verb, ...rest] = positionals;
  return withLibrary(values.library, (library) => {
    const c = new Corrections(library);
    switch (verb) {
      case 'rename': {
        const [id, ...name] = rest;
        // NAME is required so a forgotten name never clears one; "" clears it on purpose.
        if (id === undefined || name.length === 0) {
          throw new UsageError('usage: kith person rename ID NAME… ("" clears the name)');
        }
        const personId = parseId(id, 'person id');
        const r = c.renamePerson(personId, name.join(' '));
        const now = library.read.getPerson(personId)?.name ?? null;
        return print(
          r,
          values.json,
          now === null ? `#${personId} is unnamed now.` : `#${personId} is "${printable(now)}".`,
        );
      }
      case 'merge': {
        const [target, ...sources] = parseIds(rest, 'person id');
        if (sources.length === 0) throw new UsageError('usage: kith person merge TARGET_ID ID…');
        const r = c.mergePeople(target!, sources);
        return print(r, values.json, `Merged ${people(sources)} into #${target}.`);
      }
      case 'hide':
      case 'unhide': {
        if (rest.length !== 1) throw new UsageError(`usage: kith person ${verb} ID`);
        const personId = parseId(rest[0]!, 'person id');
        const r = c.setHidden(personId, verb === 'hide');
        return print(r, values.json, `#${personId} is ${verb === 'hide' ? 'hidden' : 'shown'}.`);
      }
      case 'cover': {
        if (rest.length !== 2) throw new UsageError('usage: kith person cover ID FACE_ID');
        const personId = parseId(rest[0]!, 'person id');
        const faceId = parseId(rest[1]!, 'face id');
        const r = c.setCover(personId, faceId);
        return print(r, values.json, `Face ${faceId} is the cover of #${personId}.`);
      }
      default:
        throw new UsageError(
          verb === undefined
            ? 'kith person needs a verb: rename, merge, hide, unhide, cover'
            : `Unknown verb "person ${verb}".`,
        );
    }
  });
}

export async function faceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...options, to: { type: 'string' } });
  if (values.help) return usage(PEOPLE_VERBS_USAGE);
  const [verb, ...rest] = positionals;
  const to = values.to;
  if (to !== undefined && verb !== 'move' && verb !== 'confirm') {
    throw new UsageError(`--to is for "face move" and "face confirm"`);
  }
  return withLibrary(values.library, (library) => {
    const c = new Corrections(library);
    const faces = () => parseIds(rest, 'face id');
    const n = (k: number) => (k === 1 ? '1 face' : `${k} faces`);
    switch (verb) {
      case 'move': {
        if (to === undefined) throw new UsageError('usage: kith face move FACE_ID… --to PERSON_ID|new');
        const ids = faces();
        const r = c.moveFaces(ids, to === 'new' ? 'new' : parseId(to, '--to'));
        return print(r, values.json, `Moved ${n(ids.length)} to #${r.personIds[0]}.`);
      }
      case 'split': {
        const ids = faces();
        const r = c.splitFaces(ids);
        return print(
          r,
          values.json,
          `Split ${n(ids.length)} off #${r.personIds[0]} into #${r.personIds[1]}.`,
        );
      }
      case 'reject': {
        const ids = faces();
        const r = c.rejectFaces(ids);
        return print(r, values.json, `Removed ${n(ids.length)} from ${people(r.personIds)} for good.`);
      }
      case 'confirm': {
        if (to === undefined) throw new UsageError('usage: kith face confirm FACE_ID… --to PERSON_ID');
        const ids = faces();
        const personId = parseId(to, '--to');
        const r = c.confirmFaces(ids, personId);
        return print(r, values.json, `Confirmed ${n(ids.length)} in #${personId}.`);
      }
      default:
        throw new UsageError(
          verb === undefined
            ? 'kith face needs a verb: move, split, reject, confirm'
            : `Unknown verb "face ${verb}".`,
        );
    }
  });
}

function undoRedo(args: string[], which: 'undo' | 'redo'): number {
  const { values, positionals } = parse(args, options);
  if (values.help) return usage(PEOPLE_VERBS_USAGE);
  if (positionals.length > 0) throw new UsageError(`kith ${which} takes no arguments`);
  return withLibrary(values.library, (library) => {
    const c = new Corrections(library);
    const r = which === 'undo' ? c.undo() : c.redo();
    const text =
      r === null
        ? `Nothing to ${which}.`
        : `${which === 'undo' ? 'Undid' : 'Redid'} correction ${r.correctionId} (${r.op}).`;
    return print(r, values.json, text);
  });
}

export async function undoCommand(args: string[]): Promise<number> {
  return undoRedo(args, 'undo');
}

export async function redoCommand(args: string[]): Promise<number> {
  return undoRedo(args, 'redo');
}

/** `kith history`: the log, newest first; --json prints `{ entries: CorrectionEntry[] }`. */
export async function historyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...options, limit: { type: 'string' } });
  if (values.help) return usage(PEOPLE_VERBS_USAGE);
  if (positionals.length > 0) throw new UsageError('kith history takes no arguments');
  const limit = intOption(values.limit, 'limit', 50);
  return withLibrary(values.library, (library) => {
    const entries = new Corrections(library).history(limit);
    if (values.json) process.stdout.write(`${JSON.stringify({ entries })}\n`);
    else {
      // Summaries quote names, which an old library may hold with control characters.
      const lines = entries.map(
        (e) => `${e.correctionId}${e.undone ? ' (undone)' : ''}  ${printable(e.summary)}`,
      );
      process.stdout.write(`${lines.length ? lines.join('\n') : 'No corrections yet.'}\n`);
    }
    return 0;
  });
}
