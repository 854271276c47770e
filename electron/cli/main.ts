// `kith` — the command-line face of the core. Same modules as the app, no Electron.
import { endProgress, UsageError } from './args.ts';
import { benchCommand } from './bench.ts';
import { BENCH_PEERS_USAGE } from './bench-peers.ts';
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
  bench lfw --data DIR [--pipeline ID] [--models-dir DIR] [--json]
  bench speed --data DIR [--long-side N] [--pipeline ID] [--models-dir DIR] [--json]
  bench cluster --data DIR [--pipeline ID] [--models-dir DIR] [--threshold T] [--sweep T,T…] [--json]
  bench cluster-scale --faces N [--threshold T] [--linkage average|single|complete] [--sklearn] [--json]
${BENCH_PEERS_USAGE}
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
      return benchCommand(rest);
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

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  endProgress();
  if (err instanceof UsageError) {
    process.stderr.write(`kith: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`kith: ${err instanceof Error ? err.message : String(err)}\n`);
    if (process.env.KITH_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    process.exitCode = 1;
  }
}
