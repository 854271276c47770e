// `kith bench …` in a source checkout (bin/kith.js delegates here), or
// `node --import tsx bench/main.ts <benchmark> …`: measurements, peer comparisons and simulations.
// None of it is in the app or its package; it uses the product's modules, never the other way round.
import { runCli } from '../electron/cli/args.ts';
import { benchCommand } from './cli/bench.ts';
import { BENCH_PEERS_USAGE } from './cli/bench-peers.ts';

const USAGE = `Usage: kith bench <benchmark> [options]

Benchmarks:
  bench lfw --data DIR [--pipeline ID] [--models-dir DIR] [--degrade scale=S,quality=Q] [--project N]
              [--noise-slack K] [--json]
                   LFW verification through the app's own decode, detect, align and embed.
  bench speed --data DIR [--long-side N] [--pipeline ID] [--models-dir DIR] [--workers N] [--limit N] [--json]
                   End-to-end photos/s and faces/s into SQLite, time per stage, recall against WIDER FACE.
  bench cluster --data DIR [--pipeline ID] [--models-dir DIR] [--threshold T] [--sweep T,T…] [--save-embeddings F]
              [--degrade scale=S,quality=Q] [--project N] [--noise-slack K] [--json]
                   People-view clustering of an identity-per-folder data set: pairwise and BCubed F.
  bench cluster-scale --faces N [--threshold T] [--linkage average|single|complete] [--sklearn] [--json]
                   Clustering and recognition at library scale on synthetic embeddings.
  bench finetune --embeddings FILE | --data DIR [--degrade scale=S,quality=Q] [--choose errors|random]
              [--rank R] [--locality off|R,W] [--adapter lowrank|residual|mlp] [--steps N] [--seed N] [--json]
                   Learning from a simulated user's corrections, with the keep-or-refuse gate.
  bench harmonic --embeddings V1 --embeddings2 V2 [--lambda L] [--steps N] [--seed N] [--json]
                   Model upgrade: cross-model verification through a ridge or harmonic map.
  bench library --out DIR [--photos N] [--data DIR]… [--pipeline ID] [--models-dir DIR] [--workers N] [--json]
                   Builds a library of N photos (default 20,000) from the data sets, then times its
                   first scan, a re-scan that finds nothing new and opening People.
  bench project --embeddings FILE --out FILE [--dim 128]
                   Fits the 128-byte PCA projection and writes it as a resource with its sha256.
${BENCH_PEERS_USAGE}
With --json the last line on stdout is one JSON object.
`;

async function main(argv: string[]): Promise<number> {
  // `kith bench lfw …` arrives here with its verb; `bench/main.ts lfw …` without.
  const args = argv[0] === 'bench' ? argv.slice(1) : argv;
  const [kind] = args;
  if (kind === undefined || kind === 'help' || kind === '--help' || kind === '-h') {
    process.stdout.write(USAGE);
    return kind === undefined ? 1 : 0;
  }
  return benchCommand(args);
}

await runCli(main, USAGE);
