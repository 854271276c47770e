// [Note: the API contract] The one place where the app's API is written down. Every request/response
// method and every pushed event is listed here with zod schemas for its payloads; everything else
// takes its types from this file:
// - electron/core/service/library-service.ts implements the methods on the core (plain Node);
// - electron/shell/ipc.ts registers one ipcMain handler per method, generated from `methods`;
// - electron/shell/preload.ts forwards only the channels named here (see channels.ts);
// - dev/bridge.ts serves the same methods over HTTP for a browser and for tests;
// - renderer/src/api/client.ts is the typed client over either transport.
// Inputs are validated where they enter a trusted process (IPC handler, HTTP bridge); a payload that
// does not parse is answered with an `invalid-request` error, never a crash.
// Plain data only: this file runs in the renderer too (no Node, no Electron imports).
import { z } from 'zod';
import { ApiError, ERROR_CODES } from './api-core.ts';
import { checkName } from './names.ts';

export {
  ApiError,
  type ApiErrorShape,
  type Envelope,
  ERROR_CODES,
  type ErrorCode,
  httpStatusOf,
  isEnvelope,
} from './api-core.ts';

// ── shared shapes ─────────────────────────────────────────────────────────────────────────────────

/** A SQLite row id. */
export const Id = z
  .int()
  .positive()
  .max(2 ** 31 - 1);

/** An axis-aligned box in the pixels of the photo as the user sees it (EXIF orientation applied). */
export const Box = z.strictObject({
  x: z.number().finite(),
  y: z.number().finite(),
  w: z.number().finite().positive(),
  h: z.number().finite().positive(),
});
export type Box = z.infer<typeof Box>;

const Count = z.int().nonnegative();

/** A person as listed in the People grid. */
export const PersonSummary = z.object({
  id: Id,
  name: z.string().nullable(),
  hidden: z.boolean(),
  coverFaceId: Id.nullable(),
  faceCount: Count,
  photoCount: Count,
});
export type PersonSummary = z.infer<typeof PersonSummary>;

export const PhotoStatus = z.enum(['pending', 'analyzed', 'skipped', 'missing']);

/** A photo as the UI shows it. `path` is for display only: media is always fetched by id. */
export const PhotoSummary = z.object({
  photoId: Id,
  path: z.string(),
  fileName: z.string(),
  /** The capture date (EXIF, XMP or IPTC), else the file's modification time (`dateApproximate`). */
  takenAt: z.string().nullable(),
  dateApproximate: z.boolean(),
  width: z.int().nullable(),
  height: z.int().nullable(),
  status: PhotoStatus,
});
export type PhotoSummary = z.infer<typeof PhotoSummary>;

export const PersonFace = z.object({
  faceId: Id,
  photoId: Id,
  box: Box,
  /** 'user' when the user put the face here (confirmed, moved); 'auto' from clustering. */
  source: z.enum(['auto', 'user']),
  confidence: z.number().nullable(),
  takenAt: z.string().nullable(),
  dateApproximate: z.boolean(),
});
export type PersonFace = z.infer<typeof PersonFace>;

export const PersonPhoto = PhotoSummary.extend({ faceIds: z.array(Id) });
export type PersonPhoto = z.infer<typeof PersonPhoto>;

export const UnassignedFace = z.object({
  faceId: Id,
  photoId: Id,
  box: Box,
  quality: z.number().nullable(),
});
export type UnassignedFace = z.infer<typeof UnassignedFace>;

/** A face clustering put in a person with low confidence, for the review (yes / no) flow. */
export const Suggestion = z.object({
  faceId: Id,
  photoId: Id,
  personId: Id,
  box: Box,
  /** 1 − distance / threshold of the k-NN join: 0 = at the edge of the threshold, 1 = on top. */
  confidence: z.number(),
});
export type Suggestion = z.infer<typeof Suggestion>;

export const PhotoFace = z.object({
  faceId: Id,
  box: Box,
  source: z.enum(['detected', 'manual']),
  personId: Id.nullable(),
  personName: z.string().nullable(),
  assignment: z.enum(['auto', 'user']).nullable(),
});
export type PhotoFace = z.infer<typeof PhotoFace>;

export const ScanState = z.enum([
  'idle',
  'running',
  'paused',
  'finishing',
  'grouping',
  'done',
  'cancelled',
  'interrupted',
  'failed',
]);
export type ScanState = z.infer<typeof ScanState>;

/** The scan as the UI shows it; pushed as the `scanProgress` event while a scan runs. */
export const ScanStatus = z.object({
  state: ScanState,
  jobId: Id.nullable(),
  roots: z.array(z.string()),
  discovered: Count,
  processed: Count,
  analyzed: Count,
  unchanged: Count,
  moved: Count,
  skipped: Count,
  missing: Count,
  faces: Count,
  /** Files per second over the last ~10 s. */
  rate: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** False while folders are still being listed (the total can still grow). */
  walkDone: z.boolean(),
  currentPath: z.string().nullable(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
});
export type ScanStatus = z.infer<typeof ScanStatus>;

export const LibraryStatus = z.object({
  libraryDir: z.string(),
  folders: z.array(z.string()),
  photos: z.object({ pending: Count, analyzed: Count, skipped: Count, missing: Count }),
  people: Count,
  hiddenPeople: Count,
  unassignedFaces: Count,
  scan: ScanStatus,
  canUndo: z.boolean(),
  canRedo: z.boolean(),
  /**
   * ONNX Runtime execution providers face analysis uses, best first (e.g. ["cuda", "cpu"]); empty
   * until the service has looked (it loads the runtime after the first screen is served).
   */
  providers: z.array(z.string()),
  /** The service watches the folders: changes are scanned by themselves, and so is an added folder. */
  watching: z.boolean(),
});
export type LibraryStatus = z.infer<typeof LibraryStatus>;

export const SkippedFile = z.object({
  photoId: Id,
  path: z.string(),
  reason: z.string(),
  detail: z.string().nullable(),
});
export type SkippedFile = z.infer<typeof SkippedFile>;

/** What a correction did: which people changed (the UI refreshes those). */
export const CorrectionResult = z.object({
  correctionId: z.int(),
  op: z.string(),
  personIds: z.array(Id),
});
export type CorrectionResult = z.infer<typeof CorrectionResult>;

export const HistoryEntry = z.object({
  correctionId: z.int(),
  op: z.string(),
  summary: z.string(),
  undone: z.boolean(),
  createdAt: z.number().nullable(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const Settings = z.object({
  /** Squared-L2 merge threshold; null = the face model's calibrated value. */
  threshold: z.number().min(0.05).max(4).nullable(),
  /** Face pipeline id, or 'auto' (the library's own while it runs, else the best available one). */
  pipeline: z.string().min(1).max(100),
});
export type Settings = z.infer<typeof Settings>;

/** A face pipeline the user may choose in the settings. */
export const PipelineChoice = z.object({
  id: z.string(),
  label: z.string(),
  /** Why it cannot run here (a model file missing or altered); null when it can. */
  unavailable: z.string().nullable(),
});
export type PipelineChoice = z.infer<typeof PipelineChoice>;

export const PipelineChoices = z.object({
  /**
   * The pipeline 'auto' runs here: the library's own while it runs, else the first available (in
   * order of preference); null if none.
   */
  auto: z.string().nullable(),
  pipelines: z.array(PipelineChoice),
});
export type PipelineChoices = z.infer<typeof PipelineChoices>;

export const ExportFormat = z.enum(['json', 'csv', 'folders', 'xmp', 'embeddings']);
export type ExportFormat = z.infer<typeof ExportFormat>;

/** What an export wrote, in a form the Export dialog can show. */
export const ExportSummary = z.object({
  format: ExportFormat,
  /** The file or folder written; null for XMP sidecars written next to each photo. */
  path: z.string().nullable(),
  people: Count,
  /** Faces (json, csv), photos (folders, xmp) or embeddings written. */
  items: Count,
  /** One line saying what was written, for the user. */
  message: z.string(),
  /** Files that could not be written (XMP, folders) or were left alone (folders); the rest went through. */
  errors: z.array(z.object({ path: z.string(), message: z.string() })),
});
export type ExportSummary = z.infer<typeof ExportSummary>;

/** Held-out clustering scores of the user's confirmed faces (ml/train/gate.ts). */
export const HeldOutScores = z.object({
  pairwise_f: z.number(),
  bcubed_f: z.number(),
  verification: z.number(),
});
export type HeldOutScores = z.infer<typeof HeldOutScores>;

/** What "Improve recognition" did (electron/core/people/improve.ts). */
export const ImproveSummary = z.object({
  kept: z.boolean(),
  /** Why it was (not) kept, in words. */
  reason: z.string(),
  /** Absent when there was not enough to learn from. */
  before: HeldOutScores.nullable(),
  after: HeldOutScores.nullable(),
  people: Count,
  confirmedFaces: Count,
  hardNegatives: Count,
  seconds: z.number().nonnegative(),
  /** People were regrouped with the new adapter. */
  regrouped: z.boolean(),
  /** The same scores for people held out of training whole: the gate's check that others are not hurt. */
  untouched: z.object({ before: HeldOutScores, after: HeldOutScores }).nullable().optional(),
  /** Faces whose person changed when people were regrouped (0 when not kept). */
  facesMoved: Count.optional(),
  /** Stopped by cancelImproveRecognition: nothing was changed. */
  cancelled: z.boolean().optional(),
});
export type ImproveSummary = z.infer<typeof ImproveSummary>;

/** Progress of "Improve recognition" (training runs in a worker thread of the service). */
export const ImproveProgress = z.object({
  phase: z.enum(['training', 'checking', 'regrouping']),
  step: Count,
  steps: Count,
  loss: z.number(),
});
export type ImproveProgress = z.infer<typeof ImproveProgress>;

/** A person a merge could join, with how alike the two are (issue 15 item 6). */
export const MergeCandidate = z.object({
  personId: Id,
  /** 0..1: 1 = the same face, 0.5 = at the grouping threshold; null without embeddings. */
  similarity: z.number().min(0).max(1).nullable(),
});
export type MergeCandidate = z.infer<typeof MergeCandidate>;

/** Two people that are probably one person. */
export const MergeSuggestion = z.object({
  a: PersonSummary,
  b: PersonSummary,
  similarity: z.number().min(0).max(1),
});
export type MergeSuggestion = z.infer<typeof MergeSuggestion>;

/** Pairwise agreement of automatic grouping with the user's confirmations, at one threshold. */
export const QualityPoint = z.object({
  threshold: z.number(),
  precision: z.number().min(0).max(1),
  recall: z.number().min(0).max(1),
});
export type QualityPoint = z.infer<typeof QualityPoint>;

/** The grouping's measured quality on the user's confirmed faces (core/service/grouping-quality.ts). */
export const GroupingQuality = z.object({
  faces: Count,
  people: Count,
  threshold: z.number(),
  current: QualityPoint,
  stricter: QualityPoint,
  looser: QualityPoint,
});
export type GroupingQuality = z.infer<typeof GroupingQuality>;

// ── inputs ────────────────────────────────────────────────────────────────────────────────────────

const Empty = z.strictObject({});
const PersonRef = z.strictObject({ personId: Id });
/** A selection of faces; capped so one request cannot ask for unbounded work. */
const FaceIds = z.array(Id).min(1).max(100_000);
/** A folder path typed or chosen by the user. */
const FolderPath = z.string().trim().min(1).max(4096);
/** A face box the user drew, in the photo's oriented pixels (the service cuts it to the photo). */
const DrawnBox = z.strictObject({
  x: z.number().finite().min(-1e6).max(1e6),
  y: z.number().finite().min(-1e6).max(1e6),
  w: z.number().finite().min(1).max(1e6),
  h: z.number().finite().min(1).max(1e6),
});
/**
 * A person's name as the user typed it, under the name rule of names.ts (NFC, trimmed, ≤ 200
 * characters, no control characters); an empty name clears it (null). A bad one is refused with why.
 */
const PersonName = z.string().transform((raw, ctx) => {
  const checked = checkName(raw);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: 'custom', message: checked.problem });
  return z.NEVER;
});
const Page = { offset: Count.max(10_000_000).default(0), limit: z.int().min(1).max(100_000).default(1000) };

// ── the contract ──────────────────────────────────────────────────────────────────────────────────

interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** True for corrections: the service records them for undo and emits `libraryChanged`. */
  readonly mutates?: boolean;
}

function method<I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
  options: { mutates?: boolean } = {},
): MethodSpec<I, O> {
  return { input, output, ...options };
}

const correction = <I extends z.ZodType>(input: I) => method(input, CorrectionResult, { mutates: true });

export const methods = {
  // library and folders
  getLibraryStatus: method(Empty, LibraryStatus),
  /** Electron only: the native folder dialog; the bridge answers `unsupported` (type a path instead). */
  chooseFolders: method(Empty, z.object({ paths: z.array(z.string()) })),
  addFolder: method(z.strictObject({ path: FolderPath }), LibraryStatus),
  removeFolder: method(z.strictObject({ path: FolderPath }), LibraryStatus),
  getSettings: method(Empty, Settings),
  setSettings: method(Settings.partial().strict(), Settings),
  listPipelines: method(Empty, PipelineChoices),

  // scanning
  startScan: method(Empty, ScanStatus),
  pauseScan: method(Empty, ScanStatus),
  resumeScan: method(Empty, ScanStatus),
  cancelScan: method(Empty, ScanStatus),
  getScanStatus: method(Empty, ScanStatus),
  listSkipped: method(z.strictObject(Page), z.object({ total: Count, files: z.array(SkippedFile) })),

  // people, faces, photos
  listPeople: method(
    z.strictObject({
      sort: z.enum(['size', 'name']).default('size'),
      search: z.string().max(200).default(''),
      includeHidden: z.boolean().default(false),
      /** Only the first `limit` people of the list (the first screenful, for the first paint). */
      limit: z.int().min(1).max(1_000_000).optional(),
    }),
    /** `total`: visible people in the library; `hidden`: hidden ones (neither depends on the query). */
    z.object({ people: z.array(PersonSummary), total: Count, hidden: Count }),
  ),
  getPerson: method(
    PersonRef,
    z.object({ person: PersonSummary, faces: z.array(PersonFace), photos: z.array(PersonPhoto) }),
  ),
  listUnassigned: method(z.strictObject(Page), z.object({ total: Count, faces: z.array(UnassignedFace) })),
  /** Faces auto-assigned with low confidence, lowest first: review them with confirm / reject. */
  listSuggestions: method(
    z.strictObject({
      /** One person's, or everyone's (visible people) when left out. */
      personId: Id.optional(),
      /** Only faces whose confidence is at most this. */
      maxConfidence: z.number().min(0).max(1).default(1),
      limit: z.int().min(1).max(1000).default(50),
    }),
    z.object({ faces: z.array(Suggestion) }),
  ),
  /** Photos that show every one of `personIds` (all photos when empty), by date. */
  listPhotos: method(
    z.strictObject({ personIds: z.array(Id).max(20).default([]), ...Page }),
    z.object({ total: Count, photos: z.array(PhotoSummary) }),
  ),
  getPhoto: method(
    z.strictObject({ photoId: Id }),
    z.object({ photo: PhotoSummary, faces: z.array(PhotoFace) }),
  ),

  // corrections (issue 3), each undoable
  renamePerson: correction(z.strictObject({ personId: Id, name: PersonName.nullable() })),
  mergePeople: correction(z.strictObject({ targetId: Id, sourceIds: z.array(Id).min(1).max(10_000) })),
  moveFaces: correction(z.strictObject({ faceIds: FaceIds, to: z.union([Id, z.literal('new')]) })),
  splitFaces: correction(z.strictObject({ faceIds: FaceIds })),
  rejectFaces: correction(z.strictObject({ faceIds: FaceIds })),
  confirmFaces: correction(z.strictObject({ faceIds: FaceIds, personId: Id })),
  setHidden: correction(z.strictObject({ personId: Id, hidden: z.boolean() })),
  setCover: correction(z.strictObject({ personId: Id, faceId: Id })),
  /**
   * A face the detector missed, drawn by hand on a photo and assigned to a person (or a new one) as a
   * confirmed face; its embedding comes from the face model's landmark, align and embed stages.
   */
  addFace: correction(z.strictObject({ photoId: Id, box: DrawnBox, to: z.union([Id, z.literal('new')]) })),
  /** "Not a face" / "ignore these": the person's faces are ignored from now on, the person goes. */
  dismissPerson: correction(PersonRef),
  /** "Different people": grouping never merges the two (a suggested merge declined). */
  keepApart: correction(z.strictObject({ personIds: z.tuple([Id, Id]) })),
  /** Other people ranked for merging with one: likely the same first, then named, nearest first. */
  listMergeCandidates: method(PersonRef, z.object({ candidates: z.array(MergeCandidate) })),
  /** Pairs of visible people that are probably one person, most alike first. */
  listMergeSuggestions: method(
    z.strictObject({ limit: z.int().min(1).max(500).default(50) }),
    z.object({ pairs: z.array(MergeSuggestion) }),
  ),
  undo: method(Empty, z.object({ result: CorrectionResult.nullable() }), { mutates: true }),
  redo: method(Empty, z.object({ result: CorrectionResult.nullable() }), { mutates: true }),
  history: method(
    z.strictObject({ limit: z.int().min(1).max(1000).default(50) }),
    z.object({ entries: z.array(HistoryEntry) }),
  ),

  // export and learning from corrections
  /** Writes the labeled faces out (core/export). `out` is needed except for xmp (next to each photo). */
  exportLibrary: method(
    z.strictObject({
      format: ExportFormat,
      out: FolderPath.optional(),
      namedOnly: z.boolean().default(false),
      link: z.enum(['hard', 'symlink', 'copy']).default('hard'),
      sidecar: z.enum(['photo.jpg.xmp', 'photo.xmp']).default('photo.jpg.xmp'),
    }),
    ExportSummary,
  ),
  /** Trains an adapter on the user's confirmed faces; kept (and people regrouped) only if it helps. */
  improveRecognition: method(Empty, ImproveSummary),
  /** Restores the adapter used before the last kept one and regroups people. */
  undoImproveRecognition: method(Empty, z.object({ regrouped: z.boolean() })),
  /** Training progress of a running "Improve recognition" (polled by its dialog; null when idle). */
  getImproveProgress: method(Empty, ImproveProgress.nullable()),
  /** Stops a running "Improve recognition" before it changes anything (false when too late or idle). */
  cancelImproveRecognition: method(Empty, z.object({ cancelled: z.boolean() })),
  /** How often grouping agrees with the user's confirmations; null with too few confirmed faces. */
  getGroupingQuality: method(Empty, GroupingQuality.nullable()),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
/** What a caller passes (defaults may be left out). */
export type Input<M extends MethodName> = z.input<Methods[M]['input']>;
/** What a handler receives: the parsed input with defaults applied. */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type Output<M extends MethodName> = z.output<Methods[M]['output']>;

export const methodNames = Object.keys(methods) as MethodName[];

/** Methods the host (Electron main) answers itself instead of the library service. */
export const hostMethods = ['chooseFolders'] as const satisfies readonly MethodName[];
export type HostMethod = (typeof hostMethods)[number];
export type ServiceMethod = Exclude<MethodName, HostMethod>;

type Args<M extends MethodName> =
  Record<string, never> extends Input<M> ? [input?: Input<M>] : [input: Input<M>];

/** The API as the renderer calls it. */
export type KithApi = { [M in MethodName]: (...args: Args<M>) => Promise<Output<M>> };

/** The API as the service implements it: parsed inputs, plain (or async) outputs. */
export type ServiceHandlers = {
  [M in ServiceMethod]: (input: ParsedInput<M>) => Output<M> | Promise<Output<M>>;
};

// ── events (service → renderer) ──────────────────────────────────────────────────────────────────

export const events = {
  scanProgress: ScanStatus,
  /** People, faces or photos changed (a scan, a regroup, a correction, an undo; 'outside': another
   * process, e.g. a `kith` command, wrote to the library). */
  libraryChanged: z.object({
    reason: z.enum(['scan', 'correction', 'undo', 'redo', 'folders', 'settings', 'recognition', 'outside']),
    personIds: z.array(Id),
  }),
  /** An application-menu command (Electron), handled by the renderer like its keyboard shortcut. */
  menu: z.object({
    command: z.enum([
      'addFolder',
      'scan',
      'people',
      'unassigned',
      'photos',
      'library',
      'find',
      'undo',
      'redo',
      'shortcuts',
      'export',
    ]),
  }),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;
export const eventNames = Object.keys(events) as EventName[];

// ── errors and the wire envelope (zod-free parts in api-core.ts, so the renderer starts without zod) ──

export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const ApiErrorShapeSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorShapeSchema }),
]);

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.hasOwn(methods, name);
}

/**
 * Parses a method's input. Throws ApiError('invalid-request') listing each problem; `undefined`
 * counts as an empty object so methods without parameters can be called without a body.
 */
export function parseInput<M extends MethodName>(name: M, raw: unknown): ParsedInput<M> {
  const schema: z.ZodType = methods[name].input;
  const r = schema.safeParse(raw === undefined ? {} : raw);
  if (r.success) return r.data as ParsedInput<M>;
  throw new ApiError(
    'invalid-request',
    `${name}: invalid request: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}
