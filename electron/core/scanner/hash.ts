// Content hashes identify a photo across renames and moves (photos.content_hash).
export { sha256File } from '../../../ml/util/hash.ts';
