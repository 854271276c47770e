// The renderer's state: one zustand vanilla store (no React import, so it is tested in plain Node).
// Views read slices of it with useStore; every user action is an action here that calls the typed
// API, then refreshes what changed. Corrections show a toast with Undo; Ctrl/Cmd-Z calls `undo`.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  Box,
  CorrectionResult,
  LibraryStatus,
  Output,
  PersonSummary,
  PhotoSummary,
  PipelineChoices,
  ScanStatus,
  Settings,
  SkippedFile,
  Suggestion,
  UnassignedFace,
} from '../../../electron/shared/api.ts';
import { ApiError } from '../../../electron/shared/api-core.ts';
import type { KithClient } from '../api/client.ts';
import { emptyHistory, forgetPeople, pushRoute, type RouteHistory, stepRoute } from './history.ts';
import { type Change, OwnChanges } from './own-changes.ts';
import type { Prefetched } from './prefetch.ts';
import {
  bandSelect,
  emptySelection,
  prune,
  type Selection,
  type SelectMode,
  select,
  selectAll,
} from './selection.ts';

export { type Prefetched, prefetch } from './prefetch.ts';

export type Route =
  | { view: 'people' }
  | { view: 'person'; personId: number }
  | { view: 'unassigned' }
  | { view: 'photos' }
  | { view: 'library' };

/** Auto-assigned faces at or below this confidence are offered for review (yes / no). */
export const REVIEW_MAX_CONFIDENCE = 0.5;
/** At most this many people in the Photos filter (the API's limit). */
export const MAX_PHOTO_FILTER = 20;

/** The review (yes / no) of one person's low-confidence faces, one face at a time. */
export interface Review {
  personId: number;
  faces: readonly Suggestion[];
  index: number;
  /** Answers given: yes (confirmed), no (rejected). */
  yes: number;
  no: number;
}

export interface PeopleQuery {
  sort: 'size' | 'name';
  search: string;
  includeHidden: boolean;
}

export interface Toast {
  id: number;
  message: string;
  kind: 'info' | 'error';
  /** Shows an Undo button (the toast of a correction). */
  undo: boolean;
  /** Shows an Open button that goes to this person (e.g. the one a split made). */
  openPersonId?: number;
}

export type PersonDetail = Output<'getPerson'>;
export type PhotoDetail = Output<'getPhoto'>;

export interface PhotoViewer {
  photoId: number;
  /** Photos the arrow keys step through (e.g. the person's photos by date). */
  sequence: readonly number[];
  detail: PhotoDetail | null;
}

export type AppDialog = 'export' | 'improve' | 'merges';

export interface AppState {
  phase: 'loading' | 'ready' | 'error';
  fatal: string | null;
  status: LibraryStatus | null;
  scan: ScanStatus | null;
  settings: Settings | null;
  /** Face models the settings offer, loaded when the settings are first shown. */
  pipelines: PipelineChoices | null;
  route: Route;
  /** Routes behind and ahead of this one (Alt+← / Alt+→). */
  history: RouteHistory;
  query: PeopleQuery;
  people: readonly PersonSummary[];
  peopleTotal: number;
  hiddenCount: number;
  peopleLoaded: boolean;
  peopleSelection: Selection;
  person: PersonDetail | null;
  personTab: 'faces' | 'photos';
  faceSelection: Selection;
  unassigned: readonly UnassignedFace[];
  unassignedTotal: number;
  unassignedSelection: Selection;
  photo: PhotoViewer | null;
  /** The current person's low-confidence faces (lowest first), offered for review. */
  suggestions: readonly Suggestion[];
  review: Review | null;
  /** The Photos view: the people chosen (photos show all of them), and the photos. */
  photoFilter: readonly number[];
  photos: readonly PhotoSummary[];
  photosTotal: number;
  photosLoaded: boolean;
  /** The keyboard-shortcut overlay (`?`). */
  shortcutsOpen: boolean;
  /** The Export or the Improve recognition dialog, when open. */
  dialog: AppDialog | null;
  skipped: readonly SkippedFile[] | null;
  skippedTotal: number;
  toasts: readonly Toast[];
  /** A correction is in flight (buttons disable). */
  busy: boolean;
  actions: AppActions;
}

export interface AppActions {
  init(): Promise<void>;
  navigate(route: Route): Promise<void>;
  /** One step back (-1) or forward (1) in the in-app history; false when there is none. */
  goHistory(delta: -1 | 1): Promise<boolean>;
  refresh(): Promise<void>;
  setQuery(query: Partial<PeopleQuery>): Promise<void>;
  setPersonTab(tab: 'faces' | 'photos'): void;

  chooseFolders(): Promise<void>;
  addFolder(path: string): Promise<boolean>;
  removeFolder(path: string): Promise<void>;
  startScan(): Promise<void>;
  pauseScan(): Promise<void>;
  resumeScan(): Promise<void>;
  cancelScan(): Promise<void>;
  loadSkipped(): Promise<void>;
  saveSettings(settings: Partial<Settings>): Promise<void>;
  loadPipelines(): Promise<void>;

  selectPerson(id: number, mode: SelectMode): void;
  clearPeopleSelection(): void;
  selectFace(id: number, mode: SelectMode): void;
  selectAllFaces(): void;
  clearFaceSelection(): void;
  /**
   * Drag-select: the rubber band covers `ids`; `additive` adds them to the selection the drag
   * started from (`start`: the first call of a drag).
   */
  bandSelectFaces(ids: readonly number[], additive: boolean, start: boolean): void;

  /** Photos view: show photos with all of `personIds` (none: all photos). */
  setPhotoFilter(personIds: readonly number[]): Promise<void>;
  togglePhotoPerson(personId: number): Promise<void>;

  /** Starts reviewing the current person's suggestions. */
  startReview(): void;
  /** yes → confirmFaces, no → rejectFaces (both undoable), skip → next face. */
  answerReview(answer: 'yes' | 'no' | 'skip'): Promise<void>;
  closeReview(): void;

  /** Opens or closes the shortcut overlay; no argument toggles it. */
  setShortcutsOpen(open?: boolean): void;
  /** Opens a dialog (Export, Improve recognition), or closes it with null. */
  setDialog(dialog: AppDialog | null): void;

  openPhoto(photoId: number, sequence?: readonly number[]): Promise<void>;
  stepPhoto(delta: 1 | -1): Promise<void>;
  closePhoto(): void;

  renamePerson(personId: number, name: string): Promise<void>;
  setHidden(personId: number, hidden: boolean): Promise<void>;
  setCover(personId: number, faceId: number): Promise<void>;
  /** Merges the selected people into `targetId` (default: the largest selected). */
  mergeSelectedPeople(targetId?: number): Promise<void>;
  mergePeople(targetId: number, sourceIds: readonly number[]): Promise<void>;
  /** Moves the selected faces (of the person or unassigned view) to a person or a new one. */
  moveSelectedFaces(to: number | 'new'): Promise<void>;
  /** Moves given faces (e.g. one box in the photo viewer). */
  moveFaces(faceIds: readonly number[], to: number | 'new'): Promise<void>;
  /** A face the detector missed, drawn on the photo (photo pixels), given to a person or a new one. */
  addFace(photoId: number, box: Box, to: number | 'new'): Promise<void>;
  /** "Not a face" / "ignore these": the person's faces are ignored from now on (undoable). */
  dismissPerson(personId: number): Promise<void>;
  /** "Different people": grouping never merges the two (a suggested merge declined; undoable). */
  keepApart(a: number, b: number): Promise<void>;
  splitSelectedFaces(): Promise<void>;
  rejectSelectedFaces(): Promise<void>;
  confirmSelectedFaces(): Promise<void>;
  undo(): Promise<void>;
  redo(): Promise<void>;

  toast(message: string, kind?: Toast['kind'], undo?: boolean, openPersonId?: number): void;
  dismissToast(id: number): void;
}

export interface AppStoreOptions {
  /** Auto-dismiss of toasts in ms; 0 keeps them (tests). Default 6000. */
  toastMs?: number;
  /**
   * Requests the page started before the UI code loaded (renderer/src/main.tsx): init uses them
   * instead of asking again, so the People grid does not wait for React to load first.
   */
  prefetched?: Prefetched | undefined;
}

export type AppStore = StoreApi<AppState>;

export const displayName = (p: { name: string | null }): string => p.name ?? 'Unnamed';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The toast of a merge: names who went where ("Merged Rose into Kit", "Merged 3 people into Ann");
 * with no name to give, how many people became one.
 */
export function mergeMessage(sources: readonly (string | null)[], target: string | null): string {
  const [only] = sources;
  if (sources.length === 1 && (only || target))
    return `Merged ${only ?? 'an unnamed person'} into ${target ?? 'an unnamed person'}`;
  if (target) return `Merged ${plural(sources.length, 'person', 'people')} into ${target}`;
  return `Merged ${sources.length + 1} people into one`;
}

export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}

const TERMINAL = new Set<ScanStatus['state']>(['idle', 'done', 'cancelled', 'failed', 'interrupted']);

const OP_LABEL: Record<string, string> = {
  rename: 'rename',
  merge: 'merge',
  move: 'move',
  split: 'split',
  reject: '“not this person”',
  confirm: 'confirmation',
  'set-hidden': 'hide',
  'set-cover': 'cover change',
  'add-face': 'added face',
  dismiss: '“not a face”',
  'keep-apart': '“different people”',
};

export function createAppStore(api: KithClient, options: AppStoreOptions = {}): AppStore {
  const toastMs = options.toastMs ?? 6000;
  let toastSeq = 0;
  let refreshing: Promise<void> | null = null;
  let again = false;
  let unsubscribe: Array<() => void> = [];
  const own = new OwnChanges();
  /** The selection a drag-select started from (added to while Shift/Ctrl/Cmd is held). */
  let bandBase: Selection = emptySelection;

  const store = createStore<AppState>()((set, get) => {
    const toast = (message: string, kind: Toast['kind'] = 'info', undo = false, openPersonId?: number) => {
      const id = ++toastSeq;
      const t: Toast = { id, message, kind, undo, ...(openPersonId !== undefined && { openPersonId }) };
      // One correction toast at a time: the newest replaces an older one.
      set((s) => ({
        toasts: [...s.toasts.filter((x) => !(undo && x.undo)), t].slice(-4),
      }));
      if (toastMs > 0)
        setTimeout(() => get().actions.dismissToast(id), kind === 'error' ? toastMs * 1.5 : toastMs);
    };

    const fail = (err: unknown) => toast(errorMessage(err), 'error');

    const loadPeople = async (given?: Promise<Output<'listPeople'>>) => {
      const r = await (given ?? api.listPeople(get().query));
      set((s) => ({
        people: r.people,
        peopleTotal: r.total,
        hiddenCount: r.hidden,
        peopleLoaded: true,
        peopleSelection: prune(
          s.peopleSelection,
          r.people.map((p) => p.id),
        ),
      }));
    };

    const loadPerson = async (personId: number) => {
      try {
        const [detail, { faces: suggestions }] = await Promise.all([
          api.getPerson({ personId }),
          api.listSuggestions({ personId, maxConfidence: REVIEW_MAX_CONFIDENCE, limit: 500 }),
        ]);
        const route = get().route;
        if (route.view !== 'person' || route.personId !== personId) return;
        set((s) => ({
          person: detail,
          suggestions,
          faceSelection: prune(
            s.faceSelection,
            detail.faces.map((f) => f.faceId),
          ),
        }));
      } catch (err) {
        if (err instanceof ApiError && err.code === 'not-found') {
          // Merged away or emptied: back to People.
          set((s) => ({
            route: { view: 'people' },
            history: forgetPeople(s.history, [personId]),
            person: null,
            faceSelection: emptySelection,
          }));
          return;
        }
        throw err;
      }
    };

    const loadUnassigned = async () => {
      const r = await api.listUnassigned({ limit: 20_000 });
      set((s) => ({
        unassigned: r.faces,
        unassignedTotal: r.total,
        unassignedSelection: prune(
          s.unassignedSelection,
          r.faces.map((f) => f.faceId),
        ),
      }));
    };

    const loadPhotos = async () => {
      const filter = get().photoFilter;
      const r = await api.listPhotos({ personIds: [...filter], limit: 50_000 });
      if (get().photoFilter !== filter) return; // changed meanwhile: a newer load answers
      set({ photos: r.photos, photosTotal: r.total, photosLoaded: true });
    };

    const loadPhoto = async () => {
      const viewer = get().photo;
      if (!viewer) return;
      const detail = await api.getPhoto({ photoId: viewer.photoId });
      set((s) => (s.photo?.photoId === viewer.photoId ? { photo: { ...s.photo, detail } } : {}));
    };

    const loadAll = async () => {
      const status = await api.getLibraryStatus();
      set({ status, scan: status.scan });
      const route = get().route;
      const work: Array<Promise<void>> = [loadPeople()];
      if (route.view === 'person') work.push(loadPerson(route.personId));
      if (route.view === 'unassigned') work.push(loadUnassigned());
      if (route.view === 'photos') work.push(loadPhotos());
      if (route.view === 'library' && get().skipped !== null) work.push(get().actions.loadSkipped());
      if (get().photo) work.push(loadPhoto());
      await Promise.all(work);
    };

    /** Reloads what is shown; calls made while one runs are coalesced into one more run. */
    const refresh = (): Promise<void> => {
      if (refreshing) {
        again = true;
        return refreshing;
      }
      refreshing = (async () => {
        do {
          again = false;
          await loadAll();
        } while (again);
      })().finally(() => {
        refreshing = null;
      });
      return refreshing;
    };

    /**
     * Reloads what a correction (or undo, redo) of `personIds` can have changed on screen: the People
     * list (the service patches only those rows), the person shown if it is one of them, and the open
     * view and photo. The library status only when counts can have changed (`status`).
     */
    const refreshChanged = async (personIds: readonly number[], status: boolean): Promise<void> => {
      const s = get();
      const work: Array<Promise<void>> = [loadPeople()];
      if (status)
        work.push(
          api.getLibraryStatus().then((st) => {
            set({ status: st, scan: st.scan });
          }),
        );
      if (s.route.view === 'person' && personIds.includes(s.route.personId))
        work.push(loadPerson(s.route.personId));
      if (s.route.view === 'unassigned') work.push(loadUnassigned());
      if (s.route.view === 'photos') work.push(loadPhotos());
      if (s.photo) work.push(loadPhoto());
      await Promise.all(work);
    };

    /** Runs the store's own correction, undo or redo; the matching `libraryChanged` is then ignored. */
    const ownChange = async <T>(
      reason: Change['reason'],
      run: () => Promise<T>,
      changed: (r: T) => CorrectionResult | null,
    ): Promise<T> => {
      own.start();
      let result: CorrectionResult | null = null;
      try {
        const r = await run();
        result = changed(r);
        return r;
      } finally {
        const waiting = own.finish(result && { reason, personIds: result.personIds });
        if (waiting.length > 0)
          void refreshChanged(
            waiting.flatMap((c) => c.personIds),
            true,
          ).catch(fail);
      }
    };

    /** Ops that change no count in the library status. */
    const COUNTS_KEPT = new Set(['rename', 'set-cover']);

    const correct = async (
      run: () => Promise<CorrectionResult>,
      message: (r: CorrectionResult) => string,
      after?: (r: CorrectionResult) => void | Promise<void>,
      openPersonId?: (r: CorrectionResult) => number | undefined,
    ): Promise<void> => {
      set({ busy: true });
      try {
        const r = await ownChange('correction', run, (x) => x);
        await after?.(r);
        await refreshChanged(r.personIds, !COUNTS_KEPT.has(r.op));
        toast(message(r), 'info', true, openPersonId?.(r));
      } catch (err) {
        fail(err);
      } finally {
        set({ busy: false });
      }
    };

    /** A person's name as the store knows it (null: unnamed or unknown). */
    const nameOrNull = (personId: number): string | null => {
      const s = get();
      if (s.person?.person.id === personId) return s.person.person.name;
      return s.people.find((x) => x.id === personId)?.name ?? null;
    };

    const nameOf = (personId: number): string => {
      const s = get();
      if (s.person?.person.id === personId) return displayName(s.person.person);
      const p = s.people.find((x) => x.id === personId);
      return p ? displayName(p) : `#${personId}`;
    };

    /** The face selection of the current view, and where it lives. */
    const faceSelection = (): { ids: readonly number[]; key: 'faceSelection' | 'unassignedSelection' } => {
      const s = get();
      return s.route.view === 'unassigned'
        ? { ids: s.unassignedSelection.ids, key: 'unassignedSelection' }
        : { ids: s.faceSelection.ids, key: 'faceSelection' };
    };

    const scanCall = async (call: () => Promise<ScanStatus>) => {
      try {
        set({ scan: await call() });
      } catch (err) {
        fail(err);
      }
    };

    /** Shows a route and loads its data (navigate and the history steps). */
    const show = async (route: Route): Promise<void> => {
      const cur = get().route;
      const samePerson = route.view === 'person' && cur.view === 'person' && cur.personId === route.personId;
      set({
        route,
        ...(samePerson
          ? {}
          : {
              person: null,
              faceSelection: emptySelection,
              personTab: 'faces' as const,
              suggestions: [],
              review: null,
            }),
        ...(route.view === 'unassigned' ? {} : { unassignedSelection: emptySelection }),
      });
      try {
        if (route.view === 'person') await loadPerson(route.personId);
        else if (route.view === 'unassigned') await loadUnassigned();
        else if (route.view === 'photos') await loadPhotos();
        else if (route.view === 'people' && !get().peopleLoaded) await loadPeople();
        else if (route.view === 'library') {
          // The status too: its execution providers are filled in once the service has looked.
          const [status] = await Promise.all([api.getLibraryStatus(), get().actions.loadSkipped()]);
          set({ status, scan: status.scan });
        }
      } catch (err) {
        fail(err);
      }
    };

    const actions: AppActions = {
      async init() {
        unsubscribe.forEach((u) => {
          u();
        });
        unsubscribe = [
          api.on('scanProgress', (scan) => {
            const before = get().scan?.state;
            set({ scan });
            if (before !== undefined && !TERMINAL.has(before) && TERMINAL.has(scan.state)) void refresh();
          }),
          api.on('libraryChanged', ({ reason, personIds }) => {
            if (reason !== 'correction' && reason !== 'undo' && reason !== 'redo') void refresh();
            else if (own.event({ reason, personIds })) void refreshChanged(personIds, true).catch(fail);
          }),
        ];
        try {
          // One round of requests, in parallel: the People grid is what the app opens on.
          const early = options.prefetched;
          options.prefetched = undefined; // only for the first init
          const [status, settings] = await Promise.all([
            early?.status ?? api.getLibraryStatus(),
            early?.settings ?? api.getSettings(),
            loadPeople(early?.people),
          ]);
          const firstRun = status.folders.length === 0 && status.people === 0;
          set({
            status,
            scan: status.scan,
            settings,
            route: firstRun ? { view: 'library' } : get().route,
            phase: 'ready',
          });
          if (firstRun) await get().actions.loadSkipped();
        } catch (err) {
          set({ phase: 'error', fatal: errorMessage(err) });
        }
      },

      navigate(route) {
        set((s) => ({ history: pushRoute(s.history, s.route, route) }));
        return show(route);
      },

      async goHistory(delta) {
        const step = stepRoute(get().history, get().route, delta);
        if (!step) return false;
        set({ history: step.history });
        await show(step.route);
        return true;
      },

      refresh: () => refresh().catch(fail),

      async setQuery(query) {
        set((s) => ({ query: { ...s.query, ...query } }));
        try {
          await loadPeople();
        } catch (err) {
          fail(err);
        }
      },

      setPersonTab: (personTab) => set({ personTab }),

      async chooseFolders() {
        try {
          const { paths } = await api.chooseFolders();
          let added = false;
          for (const p of paths) added = (await get().actions.addFolder(p)) || added;
          // A watching service scans added folders itself.
          if (added && !get().status?.watching) await get().actions.startScan();
        } catch (err) {
          fail(err);
        }
      },

      async addFolder(path) {
        try {
          const status = await api.addFolder({ path });
          set({ status });
          return true;
        } catch (err) {
          fail(err);
          return false;
        }
      },

      async removeFolder(path) {
        try {
          set({ status: await api.removeFolder({ path }) });
        } catch (err) {
          fail(err);
        }
      },

      startScan: () => scanCall(() => api.startScan()),
      pauseScan: () => scanCall(() => api.pauseScan()),
      resumeScan: () => scanCall(() => api.resumeScan()),
      cancelScan: () => scanCall(() => api.cancelScan()),

      async loadSkipped() {
        try {
          const r = await api.listSkipped({ limit: 5000 });
          set({ skipped: r.files, skippedTotal: r.total });
        } catch (err) {
          fail(err);
        }
      },

      async saveSettings(settings) {
        try {
          set({ settings: await api.setSettings(settings) });
          toast('Settings saved. They apply from the next scan.');
        } catch (err) {
          fail(err);
        }
      },

      async loadPipelines() {
        try {
          set({ pipelines: await api.listPipelines() });
        } catch (err) {
          fail(err);
        }
      },

      selectPerson(id, mode) {
        set((s) => ({
          peopleSelection: select(
            s.peopleSelection,
            s.people.map((p) => p.id),
            id,
            mode,
          ),
        }));
      },
      clearPeopleSelection: () => set({ peopleSelection: emptySelection }),

      selectFace(id, mode) {
        const s = get();
        if (s.route.view === 'unassigned') {
          set({
            unassignedSelection: select(
              s.unassignedSelection,
              s.unassigned.map((f) => f.faceId),
              id,
              mode,
            ),
          });
        } else {
          set({
            faceSelection: select(s.faceSelection, s.person?.faces.map((f) => f.faceId) ?? [], id, mode),
          });
        }
      },
      selectAllFaces() {
        const s = get();
        if (s.route.view === 'unassigned')
          set({ unassignedSelection: selectAll(s.unassigned.map((f) => f.faceId)) });
        else set({ faceSelection: selectAll(s.person?.faces.map((f) => f.faceId) ?? []) });
      },
      clearFaceSelection: () => set({ faceSelection: emptySelection, unassignedSelection: emptySelection }),
      bandSelectFaces(ids, additive, start) {
        const s = get();
        const unassigned = s.route.view === 'unassigned';
        if (start) bandBase = unassigned ? s.unassignedSelection : s.faceSelection;
        const order = unassigned
          ? s.unassigned.map((f) => f.faceId)
          : (s.person?.faces.map((f) => f.faceId) ?? []);
        const next = bandSelect(bandBase, order, ids, additive);
        set(unassigned ? { unassignedSelection: next } : { faceSelection: next });
      },

      async setPhotoFilter(personIds) {
        set({ photoFilter: [...new Set(personIds)].slice(0, MAX_PHOTO_FILTER) });
        try {
          await loadPhotos();
        } catch (err) {
          fail(err);
        }
      },
      togglePhotoPerson(personId) {
        const cur = get().photoFilter;
        return get().actions.setPhotoFilter(
          cur.includes(personId) ? cur.filter((x) => x !== personId) : [...cur, personId],
        );
      },

      startReview() {
        const s = get();
        if (!s.person || s.suggestions.length === 0) return;
        set({ review: { personId: s.person.person.id, faces: s.suggestions, index: 0, yes: 0, no: 0 } });
      },
      async answerReview(answer) {
        const r = get().review;
        if (!r || get().busy) return;
        const face = r.faces[r.index];
        const next = () =>
          set((s) => {
            if (!s.review) return {};
            const review = {
              ...s.review,
              index: s.review.index + 1,
              yes: s.review.yes + (answer === 'yes' ? 1 : 0),
              no: s.review.no + (answer === 'no' ? 1 : 0),
            };
            return { review: review.index >= review.faces.length ? null : review };
          });
        if (!face || answer === 'skip') {
          next();
          return;
        }
        const name = nameOf(face.personId);
        await correct(
          () =>
            answer === 'yes'
              ? api.confirmFaces({ faceIds: [face.faceId], personId: face.personId })
              : api.rejectFaces({ faceIds: [face.faceId] }),
          () => (answer === 'yes' ? `Confirmed: ${name}` : `Not ${name}: face removed`),
          next,
        );
      },
      closeReview: () => set({ review: null }),

      setShortcutsOpen: (open) => set((s) => ({ shortcutsOpen: open ?? !s.shortcutsOpen })),
      setDialog: (dialog) => set({ dialog }),

      async openPhoto(photoId, sequence = []) {
        set({ photo: { photoId, sequence: sequence.length ? sequence : [photoId], detail: null } });
        try {
          await loadPhoto();
        } catch (err) {
          set({ photo: null });
          fail(err);
        }
      },
      async stepPhoto(delta) {
        const viewer = get().photo;
        if (!viewer) return;
        const i = viewer.sequence.indexOf(viewer.photoId);
        const next = viewer.sequence[i + delta];
        if (next === undefined) return;
        await get().actions.openPhoto(next, viewer.sequence);
      },
      closePhoto: () => set({ photo: null }),

      renamePerson: (personId, name) =>
        correct(
          () => api.renamePerson({ personId, name: name.trim() === '' ? null : name.trim() }),
          () => (name.trim() === '' ? 'Name cleared' : `Named “${name.trim()}”`),
        ),

      setHidden: (personId, hidden) => {
        const name = nameOf(personId);
        return correct(
          () => api.setHidden({ personId, hidden }),
          () => (hidden ? `Hid ${name}` : `${name} is shown again`),
        );
      },

      setCover: (personId, faceId) =>
        correct(
          () => api.setCover({ personId, faceId }),
          () => 'Cover photo changed',
        ),

      async mergeSelectedPeople(targetId) {
        const s = get();
        const ids = s.peopleSelection.ids;
        if (ids.length < 2) return;
        const chosen = s.people.filter((p) => ids.includes(p.id));
        // Default target: a named person first, then the largest.
        const target =
          targetId ??
          [...chosen].sort(
            (a, b) => Number(b.name !== null) - Number(a.name !== null) || b.faceCount - a.faceCount,
          )[0]?.id;
        if (target === undefined) return;
        await get().actions.mergePeople(
          target,
          ids.filter((x) => x !== target),
        );
      },

      dismissPerson: (personId) => {
        const name = nameOf(personId);
        return correct(
          () => api.dismissPerson({ personId }),
          () => `Dismissed ${name}: its faces are ignored`,
          () => {
            // The person shown is gone: back to People (not a 404).
            const s = get();
            const shown = s.route.view === 'person' && s.route.personId === personId;
            set({
              history: forgetPeople(s.history, [personId]),
              ...(shown && {
                route: { view: 'people' as const },
                person: null,
                faceSelection: emptySelection,
              }),
            });
          },
        );
      },

      keepApart: (a, b) => {
        const [na, nb] = [nameOf(a), nameOf(b)];
        return correct(
          () => api.keepApart({ personIds: [a, b] }),
          () => `Kept ${na} and ${nb} apart`,
        );
      },

      mergePeople(targetId, sourceIds) {
        // Names before the merge: the sources are gone after it.
        const message = mergeMessage(
          sourceIds.map((id) => nameOrNull(id)),
          nameOrNull(targetId),
        );
        return correct(
          () => api.mergePeople({ targetId, sourceIds: [...sourceIds] }),
          () => message,
          () => {
            // The person shown was merged away: show the one it became (not a 404, not People).
            const s = get();
            const away = s.route.view === 'person' && sourceIds.includes(s.route.personId);
            set({
              peopleSelection: emptySelection,
              history: forgetPeople(s.history, sourceIds),
              ...(away && {
                route: { view: 'person', personId: targetId },
                person: null,
                faceSelection: emptySelection,
                personTab: 'faces' as const,
                suggestions: [],
                review: null,
              }),
            });
          },
        );
      },

      moveSelectedFaces(to) {
        const { ids, key } = faceSelection();
        if (ids.length === 0) return Promise.resolve();
        const where = to === 'new' ? 'a new person' : nameOf(to);
        return correct(
          () => api.moveFaces({ faceIds: [...ids], to }),
          () => `Moved ${plural(ids.length, 'face')} to ${where}`,
          () => set({ [key]: emptySelection } as Pick<AppState, typeof key>),
        );
      },

      addFace(photoId, box, to) {
        const where = to === 'new' ? 'a new person' : nameOf(to);
        return correct(
          () => api.addFace({ photoId, box, to }),
          () => `Added a face to ${where}`,
        );
      },

      moveFaces(faceIds, to) {
        const where = to === 'new' ? 'a new person' : nameOf(to);
        return correct(
          () => api.moveFaces({ faceIds: [...faceIds], to }),
          () => `Moved ${plural(faceIds.length, 'face')} to ${where}`,
        );
      },

      splitSelectedFaces() {
        const { ids } = faceSelection();
        if (ids.length === 0) return Promise.resolve();
        return correct(
          () => api.splitFaces({ faceIds: [...ids] }),
          () => `Split ${plural(ids.length, 'face')} into a new person`,
          () => set({ faceSelection: emptySelection }),
          // The new person is the second id the split names (the first is the one split from).
          (r) => r.personIds[1],
        );
      },

      rejectSelectedFaces() {
        const { ids } = faceSelection();
        if (ids.length === 0) return Promise.resolve();
        const s = get();
        const from = s.person ? displayName(s.person.person) : 'their person';
        return correct(
          () => api.rejectFaces({ faceIds: [...ids] }),
          () => `${plural(ids.length, 'face')} removed from ${from}`,
          () => set({ faceSelection: emptySelection }),
        );
      },

      confirmSelectedFaces() {
        const { ids } = faceSelection();
        const person = get().person;
        if (ids.length === 0 || !person) return Promise.resolve();
        return correct(
          () => api.confirmFaces({ faceIds: [...ids], personId: person.person.id }),
          () => `Confirmed ${plural(ids.length, 'face')}`,
          () => set({ faceSelection: emptySelection }),
        );
      },

      async undo() {
        set({ busy: true });
        try {
          const { result } = await ownChange(
            'undo',
            () => api.undo(),
            (x) => x.result,
          );
          toast(result ? `Undid the ${OP_LABEL[result.op] ?? result.op}` : 'Nothing to undo');
          if (result) await refreshChanged(result.personIds, true);
        } catch (err) {
          fail(err);
        } finally {
          set({ busy: false });
        }
      },

      async redo() {
        set({ busy: true });
        try {
          const { result } = await ownChange(
            'redo',
            () => api.redo(),
            (x) => x.result,
          );
          toast(result ? `Redid the ${OP_LABEL[result.op] ?? result.op}` : 'Nothing to redo');
          if (result) await refreshChanged(result.personIds, true);
        } catch (err) {
          fail(err);
        } finally {
          set({ busy: false });
        }
      },

      toast,
      dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    };

    return {
      phase: 'loading',
      fatal: null,
      status: null,
      scan: null,
      settings: null,
      pipelines: null,
      route: { view: 'people' },
      history: emptyHistory,
      query: { sort: 'size', search: '', includeHidden: false },
      people: [],
      peopleTotal: 0,
      hiddenCount: 0,
      peopleLoaded: false,
      peopleSelection: emptySelection,
      person: null,
      personTab: 'faces',
      faceSelection: emptySelection,
      unassigned: [],
      unassignedTotal: 0,
      unassignedSelection: emptySelection,
      photo: null,
      suggestions: [],
      review: null,
      photoFilter: [],
      photos: [],
      photosTotal: 0,
      photosLoaded: false,
      shortcutsOpen: false,
      dialog: null,
      skipped: null,
      skippedTotal: 0,
      toasts: [],
      busy: false,
      actions,
    };
  });
  return store;
}
