// Media addresses shared by the renderer, the HTTP bridge and the kith-media:// protocol.
// Media is addressed by id only (see [Note: media confinement] in electron/core/service/media.ts):
//   face thumbnails  face/<faceId>?s=<96|160|256>
//   photos           photo/<photoId>?size=<thumb|screen|full>
// In Electron: kith-media://face/12?s=160; through the bridge: /media/face/12?s=160&token=….

export const MEDIA_SCHEME = 'kith-media';

export const FACE_SIZES = [96, 160, 256] as const;
export type FaceSize = (typeof FACE_SIZES)[number];

export const PHOTO_SIZES = { thumb: 480, screen: 2048 } as const;
export type PhotoSize = keyof typeof PHOTO_SIZES | 'full';

export type MediaRequest =
  | { kind: 'face'; id: number; size: FaceSize }
  | { kind: 'photo'; id: number; size: PhotoSize };

/** The path part of a media address (no scheme, host or token): `face/12?s=160`. */
export function mediaPath(request: MediaRequest): string {
  return request.kind === 'face'
    ? `face/${request.id}?s=${request.size}`
    : `photo/${request.id}?size=${request.size}`;
}

/**
 * Parses `kind` and `id` segments and the query of a media address; null when anything is off
 * (unknown kind, id not a positive integer, size not offered).
 */
export function parseMediaRequest(kind: string, id: string, params: URLSearchParams): MediaRequest | null {
  if (!/^[1-9][0-9]{0,9}$/.test(id)) return null;
  const n = Number(id);
  if (n > 2 ** 31 - 1) return null;
  if (kind === 'face') {
    const s = Number(params.get('s') ?? 160);
    const size = FACE_SIZES.find((x) => x === s);
    return size === undefined ? null : { kind, id: n, size };
  }
  if (kind === 'photo') {
    const s = params.get('size') ?? 'screen';
    return s === 'thumb' || s === 'screen' || s === 'full' ? { kind, id: n, size: s } : null;
  }
  return null;
}

/** Parses `face/12?s=160` (leading slashes allowed). */
export function parseMediaPath(pathAndQuery: string): MediaRequest | null {
  const q = pathAndQuery.indexOf('?');
  const path = (q < 0 ? pathAndQuery : pathAndQuery.slice(0, q)).replace(/^\/+/, '');
  const params = new URLSearchParams(q < 0 ? '' : pathAndQuery.slice(q + 1));
  const parts = path.split('/');
  if (parts.length !== 2) return null;
  return parseMediaRequest(parts[0]!, parts[1]!, params);
}
