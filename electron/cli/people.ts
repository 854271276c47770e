// `kith people`: the people of a library, and its unassigned faces.
import { resolve } from 'node:path';
import type { Box } from '../../ml/types.ts';
import { defaultLibraryDir } from '../core/paths.ts';
import { openLibraryReadonly } from '../core/store/library.ts';
import { printable } from '../shared/names.ts';
import { commonOptions, parse } from './args.ts';

const boxArray = (b: Box): [number, number, number, number] => [
  Math.round(b.x),
  Math.round(b.y),
  Math.round(b.w),
  Math.round(b.h),
];

export async function peopleCommand(args: string[]): Promise<number> {
  const { values } = parse(args, { ...commonOptions, hidden: { type: 'boolean' } });
  const libraryDir = resolve(values.library ?? defaultLibraryDir());
  const library = openLibraryReadonly(libraryDir);
  try {
    const people = library.read
      .listPeopleWithFaces({ includeHidden: values.hidden ?? false })
      .filter((p) => p.faces.length > 0);
    const unassigned = library.read.listUnassignedFaces();
    if (values.json) {
      const json = {
        people: people.map((p) => ({
          id: p.id,
          name: p.name,
          faces: p.faces.map((f) => ({ id: f.faceId, photo: f.path, box: boxArray(f.box) })),
        })),
        unassigned: unassigned.map((f) => ({ id: f.faceId, photo: f.path, box: boxArray(f.box) })),
      };
      process.stdout.write(`${JSON.stringify(json)}\n`);
      return 0;
    }
    const lines = people.map((p) => {
      const photos = new Set(p.faces.map((f) => f.path)).size;
      // printable: a name stored before the name rule (or taken from a photo) may hold escape codes.
      return `#${p.id} ${p.name === null ? 'Unnamed' : printable(p.name)}: ${p.faces.length} faces in ${photos} photos`;
    });
    lines.push(`Unassigned faces: ${unassigned.length}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    library.close();
  }
}
