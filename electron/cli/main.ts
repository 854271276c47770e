// `kith` — the command-line face of the core. Same modules as the app, no Electron.
import { runCli, UsageError } from './args.ts';
import { EXPORT_USAGE, exportCommand } from './export.ts';
import { modelsCommand } from './models.ts';
import { peopleCommand } from './people.ts';
import {
  faceCommand,
  historyCommand,
  PEOPLE_VERBS_USAGE,
  personCommand,
  redoCommand,
  undoCommand,
} from './people-verbs.ts';
import { reclusterCommand } from './recluster.ts';
import { scanCommand } from './scan.ts';

const USAGE = `Usage: kith <command> [options]

Commands:
  scan <folder>... [--library DIR] [--models-dir DIR] [--pipeline ID] [--workers N] [--min-face PX] [--json]
                   Find, align and embed the faces in photo folders, then group them into people.
  people [--library DIR] [--json]
                   List people and unassigned faces.
  recluster [--threshold T] [--library DIR] [--json]
                   Regroup all faces (ids, names and corrections kept); --threshold sets stricter ↔ looser.
${PEOPLE_VERBS_USAGE}${EXPORT_USAGE}  models [--models-dir DIR] [--json]
                   Show the model pipelines, which are available here, and the execution providers.
  bench <benchmark> [options]
                   Benchmarks, in a source checkout only (bench/): kith bench --help lists them.

--library defaults to the Kith app's own library folder (KITH_LIBRARY overrides it).
--models-dir (or KITH_MODELS_DIR) is a folder with extra model files, e.g. YuNet and MobileFaceNet.
--pipeline: auto (default: the best pipeline whose model files are present), yunet-mobilefacenet, yunet-faceplugin, faceplugin.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return scanCommand(rest);
    case 'people':
      return peopleCommand(rest);
    case 'recluster':
      return reclusterCommand(rest);
    case 'person':
      return personCommand(rest);
    case 'face':
      return faceCommand(rest);
    case 'undo':
      return undoCommand(rest);
    case 'redo':
      return redoCommand(rest);
    case 'history':
      return historyCommand(rest);
    case 'export':
      return exportCommand(rest);
    case 'models':
      return modelsCommand(rest);
    case 'bench':
      // bin/kith.js hands `bench` to bench/main.ts before this module loads; the CLI itself has none.
      throw new UsageError('benchmarks run from a source checkout: node bin/kith.js bench --help');
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      throw new UsageError(`Unknown command "${command}".`);
  }
}

await runCli(main, USAGE);
