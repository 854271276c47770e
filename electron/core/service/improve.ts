// "Improve recognition" in the library service: learning from the user's corrections (people/improve.ts,
// in a worker thread), its progress and cancel switch, its undo, and the regrouping after either.
import { modelById } from '../../../ml/models/manifest.ts';
import { ApiError, type Output } from '../../shared/api.ts';
import { improveRecognition, undoImproveRecognition } from '../people/improve.ts';
import { effectiveThreshold, updatePeople } from '../scan-job.ts';
import type { Library } from '../store/library.ts';
import type { ServiceContext } from './context.ts';

/** The abort reason of "Cancel" in Improve recognition (told apart from a closing library). */
const CANCELLED = new ApiError('conflict', 'Cancelled.');

/** The embedder of the library's faces and the grouping threshold in use for it. */
export function recognitionOf(library: Library): { embedderId: string; threshold: number } {
  const embedderId = library.read.embedderCounts()[0]?.embedderId;
  if (embedderId === undefined) throw new ApiError('conflict', 'Scan some photos first.');
  let calibrated = 1;
  try {
    const model = modelById(embedderId);
    calibrated = model.clusterThreshold ?? model.threshold ?? 1;
  } catch {
    // A face model this build does not know (a library from another version): the default.
  }
  return { embedderId, threshold: effectiveThreshold(library, embedderId, calibrated) };
}

export class ServiceImprove {
  readonly #ctx: ServiceContext;
  /** A scan is running: improving must wait for it. */
  readonly #scanning: () => boolean;
  /** "Improve recognition" (or its undo) is running. */
  #running = false;
  /** Progress of a running "Improve recognition" (getImproveProgress), and its cancel switch. */
  #progress: Output<'getImproveProgress'> = null;
  #abort: AbortController | null = null;

  constructor(ctx: ServiceContext, scanning: () => boolean) {
    this.#ctx = ctx;
    this.#scanning = scanning;
  }

  get running(): boolean {
    return this.#running;
  }

  progress(): Output<'getImproveProgress'> {
    return this.#progress;
  }

  cancel(): Output<'cancelImproveRecognition'> {
    // Too late once people are being regrouped with what it learned.
    const abort = this.#abort;
    if (!abort || this.#progress?.phase === 'regrouping') return { cancelled: false };
    abort.abort(CANCELLED);
    return { cancelled: true };
  }

  /** Stops a running improvement because the library is closing. */
  stop(): void {
    this.#abort?.abort(new ApiError('conflict', 'The library is closing.'));
  }

  improve(): Promise<Output<'improveRecognition'>> {
    const library = this.#ctx.library;
    return this.#exclusive(async () => {
      const { embedderId, threshold } = recognitionOf(library);
      // Training runs in a worker thread (improve.ts), so this service keeps answering meanwhile,
      // getImproveProgress included.
      const abort = new AbortController();
      this.#abort = abort;
      this.#progress = { phase: 'training', step: 0, steps: 0, loss: 0 };
      try {
        const r = await improveRecognition(library, {
          embedderId,
          threshold,
          signal: abort.signal,
          onProgress: (p) => {
            const phase = p.step >= p.steps ? 'checking' : 'training';
            this.#progress = { phase, step: p.step, steps: p.steps, loss: p.loss };
          },
        });
        let facesMoved = 0;
        if (r.kept) {
          const { step = 0, steps = 0, loss = 0 } = this.#progress ?? {};
          this.#progress = { phase: 'regrouping', step, steps, loss };
          const before = new Map(library.read.listAssignments().map((a) => [a.faceId, a.personId]));
          await this.#regroup(embedderId, threshold);
          const after = new Map(library.read.listAssignments().map((a) => [a.faceId, a.personId]));
          for (const [face, person] of after) if (before.get(face) !== person) facesMoved++;
          for (const face of before.keys()) if (!after.has(face)) facesMoved++;
        }
        return {
          facesMoved,
          kept: r.kept,
          reason: r.reason,
          before: r.before ?? null,
          after: r.after ?? null,
          untouched: r.untouched ?? null,
          people: r.people,
          confirmedFaces: r.confirmedFaces,
          hardNegatives: r.hardNegatives,
          seconds: r.seconds,
          regrouped: r.kept,
        };
      } catch (err) {
        if (!(abort.signal.aborted && abort.signal.reason === CANCELLED)) throw err;
        return {
          kept: false,
          cancelled: true,
          reason: 'Cancelled: nothing was changed.',
          before: null,
          after: null,
          untouched: null,
          people: 0,
          confirmedFaces: 0,
          hardNegatives: 0,
          seconds: 0,
          regrouped: false,
          facesMoved: 0,
        };
      } finally {
        this.#progress = null;
        this.#abort = null;
      }
    });
  }

  undo(): Promise<Output<'undoImproveRecognition'>> {
    return this.#exclusive(async () => {
      const { embedderId, threshold } = recognitionOf(this.#ctx.library);
      undoImproveRecognition(this.#ctx.library, embedderId);
      await this.#regroup(embedderId, threshold);
      return { regrouped: true };
    });
  }

  /** Runs `work` unless a scan or another improvement is running. */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.#ctx.closed) throw new ApiError('conflict', 'The library is closing.');
    if (this.#scanning()) throw new ApiError('conflict', 'Wait for the scan to finish.');
    if (this.#running) throw new ApiError('conflict', 'Recognition is already being improved.');
    this.#running = true;
    try {
      return await work();
    } finally {
      this.#running = false;
    }
  }

  async #regroup(embedderId: string, threshold: number): Promise<void> {
    await updatePeople(this.#ctx.library, embedderId, threshold, 'full');
    this.#ctx.media.clear();
    this.#ctx.changed('recognition');
  }
}
