// `kith` — the command-line face of the core. Same modules as the app, no Electron.
// Each command's module is loaded when it runs: `kith --help` (and every command) starts without
// loading the others (the models, SQLite and sharp behind them).
import { runCli, UsageError } from './args.ts';
import { USAGE } from './usage.ts';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return (await import('./scan.ts')).scanCommand(rest);
    case 'people':
      return (await import('./people.ts')).peopleCommand(rest);
    case 'recluster':
      return (await import('./recluster.ts')).reclusterCommand(rest);
    case 'person':
      return (await import('./people-verbs.ts')).personCommand(rest);
    case 'face':
      return (await import('./people-verbs.ts')).faceCommand(rest);
    case 'undo':
      return (await import('./people-verbs.ts')).undoCommand(rest);
    case 'redo':
      return (await import('./people-verbs.ts')).redoCommand(rest);
    case 'history':
      return (await import('./people-verbs.ts')).historyCommand(rest);
    case 'export':
      return (await import('./export.ts')).exportCommand(rest);
    case 'models':
      return (await import('./models.ts')).modelsCommand(rest);
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
