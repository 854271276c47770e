// Reads of photos rows, and the photo listings the app's views page through.
import type Database from 'better-sqlite3';
import { type PhotoRow, prefixEnd } from '../rows.ts';
import type { Photo, PhotoStatus, SkippedPhoto } from '../types.ts';
import { READ_SQL } from './sql.ts';

/** A photo as the app's photo grids list it. */
export interface PhotoListing {
  photoId: number;
  path: string;
  takenAt: string | null;
  /** takenAt is the file's modification time: the photo holds no EXIF, XMP or IPTC date. */
  dateApproximate: boolean;
  width: number | null;
  height: number | null;
  status: PhotoStatus;
}

/** A listing as SQLite gives it (booleans as 0/1). */
export type PhotoListingRow = Omit<PhotoListing, 'dateApproximate'> & { dateApproximate: number };
export const photoListing = (r: PhotoListingRow): PhotoListing => ({
  ...r,
  dateApproximate: r.dateApproximate === 1,
});

/** A face of one photo with the person it is in, as the photo viewer draws it. */
export interface PhotoFaceRow {
  faceId: number;
  source: 'detected' | 'manual';
  x: number;
  y: number;
  w: number;
  h: number;
  personId: number | null;
  personName: string | null;
  assignment: 'auto' | 'user' | null;
}

export class PhotoReads {
  readonly #byId;
  readonly #byPath;
  readonly #byHash;
  readonly #inRange;
  readonly #statusCounts;
  readonly #skipped;
  readonly #faces;
  readonly #withAll;
  readonly #withAllCount;
  readonly #all;
  readonly #allCount;
  readonly #listing;

  constructor(db: Database.Database) {
    const q = READ_SQL;
    this.#byId = db.prepare<[number], PhotoRow>(q.photoById);
    this.#byPath = db.prepare<[string], PhotoRow>(q.photoByPath);
    this.#byHash = db.prepare<[string], PhotoRow>(q.photosByHash);
    this.#inRange = db.prepare<[string, string], Pick<Photo, 'id' | 'path' | 'status'>>(q.photosInRange);
    this.#statusCounts = db.prepare<[], { status: PhotoStatus; n: number }>(q.statusCounts);
    this.#skipped = db.prepare<[], SkippedPhoto>(q.skipped);
    this.#faces = db.prepare<[number], PhotoFaceRow>(q.photoFaces);
    this.#listing = db.prepare<[number], PhotoListingRow>(q.photoListing);
    type Page = { limit: number; offset: number };
    type People = { ids: string; n: number };
    this.#withAll = db.prepare<[People & Page], PhotoListingRow>(q.photosWithAll);
    this.#withAllCount = db.prepare<[People], number>(q.photosWithAllCount).pluck();
    this.#all = db.prepare<[Page], PhotoListingRow>(q.allPhotos);
    this.#allCount = db.prepare<[], number>(q.allPhotosCount).pluck();
  }

  byId(id: number): Photo | undefined {
    return this.#byId.get(id);
  }

  byPath(path: string): Photo | undefined {
    return this.#byPath.get(path);
  }

  byHash(contentHash: string): Photo[] {
    return this.#byHash.all(contentHash);
  }

  under(dirPrefix: string): Array<Pick<Photo, 'id' | 'path' | 'status'>> {
    return this.#inRange.all(dirPrefix, prefixEnd(dirPrefix));
  }

  countByStatus(): Record<PhotoStatus, number> {
    const counts: Record<PhotoStatus, number> = { pending: 0, analyzed: 0, skipped: 0, missing: 0 };
    for (const { status, n } of this.#statusCounts.all()) counts[status] = n;
    return counts;
  }

  skipped(): SkippedPhoto[] {
    return this.#skipped.all();
  }

  /** One photo as the photo grids list it (its date as they show it). */
  listing(photoId: number): PhotoListing | undefined {
    const row = this.#listing.get(photoId);
    return row && photoListing(row);
  }

  faces(photoId: number): PhotoFaceRow[] {
    return this.#faces.all(photoId);
  }

  withAll(
    personIds: readonly number[],
    limit: number,
    offset: number,
  ): { total: number; rows: PhotoListing[] } {
    const ids = [...new Set(personIds)];
    if (ids.length === 0) {
      return { total: this.#allCount.get() ?? 0, rows: this.#all.all({ limit, offset }).map(photoListing) };
    }
    const people = { ids: JSON.stringify(ids), n: ids.length };
    return {
      total: this.#withAllCount.get(people) ?? 0,
      rows: this.#withAll.all({ ...people, limit, offset }).map(photoListing),
    };
  }
}
