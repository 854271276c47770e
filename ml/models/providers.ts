// Execution-provider choice. A preference list filtered by what the installed
// onnxruntime-node build offers, overridable by setting and by KITH_PROVIDERS.
// Pure so that GPU selection is unit-tested on CPU-only machines by faking availability.

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu';

const KNOWN: readonly ProviderName[] = ['cuda', 'dml', 'coreml', 'cpu'];

/** What each platform can have, best first. CPU is always last and always possible. */
export function preferenceFor(platform: NodeJS.Platform): ProviderName[] {
  switch (platform) {
    case 'win32':
      return ['cuda', 'dml', 'cpu'];
    case 'darwin':
      return ['coreml', 'cpu'];
    default:
      return ['cuda', 'cpu'];
  }
}

/** Parse "cuda,cpu" (setting or env); unknown names are an error so a typo is not silently ignored. */
export function parseProviderList(text: string): ProviderName[] {
  const names = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  for (const name of names) {
    if (!KNOWN.includes(name as ProviderName)) {
      throw new Error(`Unknown execution provider "${name}". Known: ${KNOWN.join(', ')}`);
    }
  }
  return names as ProviderName[];
}

export interface ProviderChoiceInput {
  platform: NodeJS.Platform;
  /** Backends the installed runtime reports, e.g. from onnxruntime-node's listSupportedBackends(). */
  available: readonly { name: string; bundled: boolean }[];
  /** Explicit list from the user's setting or KITH_PROVIDERS; wins over the platform preference. */
  requested?: readonly ProviderName[] | undefined;
}

/**
 * The providers to pass to InferenceSession.create, best first, always ending with 'cpu'
 * so a missing GPU library falls back instead of failing. onnxruntime-node reports
 * CUDA as available-but-not-bundled on Linux: it is usable only when its libraries were
 * installed (ONNXRUNTIME_NODE_INSTALL=cuda12), so a non-bundled provider is kept only when
 * the user asked for it explicitly.
 */
export function chooseProviders(input: ProviderChoiceInput): ProviderName[] {
  const offered = new Set(
    input.available
      .filter((b) => b.bundled || input.requested?.includes(b.name as ProviderName))
      .map((b) => b.name),
  );
  const wanted =
    input.requested && input.requested.length > 0 ? input.requested : preferenceFor(input.platform);
  const chosen = wanted.filter((p) => p === 'cpu' || offered.has(p));
  if (!chosen.includes('cpu')) chosen.push('cpu');
  return chosen;
}

/** Intra-op threads so that `workers` processes/threads together use the cores without oversubscribing. */
export function threadsPerWorker(cores: number, workers: number): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}
