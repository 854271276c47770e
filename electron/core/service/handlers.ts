// The API handler table: one handler per service method of the contract (electron/shared/api.ts),
// each delegating to the library service's part that owns it.

import type { EventPayload, Output, ServiceHandlers } from '../../shared/api.ts';
import type { Corrections } from '../people/corrections.ts';
import type { ServiceContext } from './context.ts';
import type { ServiceDrawnFaces } from './drawn-face.ts';
import { exportLibrary } from './export-summary.ts';
import type { FolderWatcher } from './folder-watcher.ts';
import type { ServiceImprove } from './improve.ts';
import type { PeopleView } from './people-view.ts';
import type { ServiceScan } from './scan.ts';
import type { ServiceSettings } from './settings.ts';

export interface ServiceParts {
  ctx: ServiceContext;
  settings: ServiceSettings;
  scan: ServiceScan;
  improve: ServiceImprove;
  people: PeopleView;
  drawnFaces: ServiceDrawnFaces;
  corrections: Corrections;
  /** Execution providers analysis uses, once the runtime is loaded. */
  providers: () => string[];
  /** The folder watcher, when the service watches (the app's). */
  watcher: FolderWatcher | null;
}

export function makeHandlers(parts: ServiceParts): ServiceHandlers {
  const { ctx, settings, scan, improve, people, drawnFaces, corrections: c } = parts;
  const correct = <T extends { personIds: number[] }>(
    reason: EventPayload<'libraryChanged'>['reason'],
    result: T,
  ): T => {
    ctx.changed(reason, result.personIds);
    return result;
  };
  const status = (): Output<'getLibraryStatus'> => {
    const all = people.allPeople();
    const hiddenPeople = all.reduce((n, p) => n + (p.hidden ? 1 : 0), 0);
    return {
      libraryDir: ctx.options.libraryDir,
      folders: settings.folders(),
      photos: ctx.library.read.countPhotosByStatus(),
      people: all.length - hiddenPeople,
      hiddenPeople,
      unassignedFaces: people.unassignedCount(),
      scan: scan.status(),
      canUndo: c.canUndo(),
      canRedo: c.canRedo(),
      providers: parts.providers(),
      watching: parts.watcher?.watching ?? false,
    };
  };
  return {
    getLibraryStatus: status,
    addFolder: async ({ path }) => {
      await settings.addFolder(path);
      ctx.changed('folders');
      parts.watcher?.sync(); // a watching service scans the new folder itself
      return status();
    },
    removeFolder: ({ path }) => {
      settings.removeFolder(path);
      ctx.changed('folders');
      parts.watcher?.sync();
      return status();
    },
    getSettings: () => settings.settings(),
    setSettings: async (input) => {
      await settings.setSettings(input);
      ctx.changed('settings');
      return settings.settings();
    },
    listPipelines: () => settings.pipelineChoices(),

    startScan: () => scan.start(),
    pauseScan: () => scan.pause(),
    resumeScan: () => scan.resume(),
    cancelScan: () => scan.cancel(),
    getScanStatus: () => scan.status(),
    listSkipped: ({ offset, limit }) => {
      const all = ctx.library.read.listSkippedPhotos();
      return {
        total: all.length,
        files: all
          .slice(offset, offset + limit)
          .map((s) => ({ photoId: s.id, path: s.path, reason: s.reason, detail: s.detail })),
      };
    },

    listPeople: (input) => people.listPeople(input),
    getPerson: ({ personId }) => people.getPerson(personId),
    listUnassigned: ({ offset, limit }) => {
      const all = people.unassignedFaces();
      return {
        total: all.length,
        faces: all
          .slice(offset, offset + limit)
          .map((f) => ({ faceId: f.faceId, photoId: f.photoId, box: f.box, quality: f.quality })),
      };
    },
    listSuggestions: (input) => people.listSuggestions(input),
    listPhotos: (input) => people.listPhotos(input),
    getPhoto: ({ photoId }) => people.getPhoto(photoId),

    renamePerson: ({ personId, name }) => correct('correction', c.renamePerson(personId, name)),
    mergePeople: ({ targetId, sourceIds }) => correct('correction', c.mergePeople(targetId, sourceIds)),
    moveFaces: ({ faceIds, to }) => correct('correction', c.moveFaces(faceIds, to)),
    splitFaces: ({ faceIds }) => correct('correction', c.splitFaces(faceIds)),
    rejectFaces: ({ faceIds }) => correct('correction', c.rejectFaces(faceIds)),
    confirmFaces: ({ faceIds, personId }) => correct('correction', c.confirmFaces(faceIds, personId)),
    setHidden: ({ personId, hidden }) => correct('correction', c.setHidden(personId, hidden)),
    setCover: ({ personId, faceId }) => correct('correction', c.setCover(personId, faceId)),
    addFace: async (input) => correct('correction', await drawnFaces.add(input)),
    dismissPerson: ({ personId }) => correct('correction', c.dismissPerson(personId)),
    keepApart: ({ personIds }) => correct('correction', c.keepApart(personIds[0], personIds[1])),
    listMergeCandidates: ({ personId }) => people.mergeCandidates(personId),
    listMergeSuggestions: ({ limit }) => people.mergeSuggestions(limit),
    undo: () => {
      const result = c.undo();
      if (result) ctx.changed('undo', result.personIds);
      return { result };
    },
    redo: () => {
      const result = c.redo();
      if (result) ctx.changed('redo', result.personIds);
      return { result };
    },
    history: ({ limit }) => ({
      entries: c.history(limit).map((e) => ({
        correctionId: e.correctionId,
        op: e.op,
        summary: e.summary,
        undone: e.undone,
        createdAt: e.createdAt,
      })),
    }),

    exportLibrary: (input) => exportLibrary(ctx.library.read, input),
    improveRecognition: () => improve.improve(),
    undoImproveRecognition: () => improve.undo(),
    getImproveProgress: () => improve.progress(),
    cancelImproveRecognition: () => improve.cancel(),
    getGroupingQuality: () => people.groupingQuality(),
  };
}
