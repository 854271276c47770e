// Face and photo thumbnails: lazy, async-decoded, with a quiet placeholder while loading or missing.
import { memo, useState } from 'react';
import type { FaceSize } from '../../../electron/shared/media.ts';
import { useClient } from '../context.ts';
import { faceSizeFor as sizeFor } from '../grid-geometry.ts';

/** The thumbnail size for a displayed width on this screen. */
export const faceSizeFor = (cssWidth: number): FaceSize =>
  sizeFor(cssWidth, typeof window === 'undefined' ? 1 : window.devicePixelRatio);

export const FaceThumb = memo(function FaceThumb(props: {
  faceId: number | null;
  size?: FaceSize;
  round?: boolean;
  label?: string;
  /**
   * Hold back loading while true (a grid being flicked): a cell that scrolls past in a blink never
   * fetches, decodes or paints its image. Once started, an image keeps loading.
   */
  defer?: boolean;
}) {
  const client = useClient();
  const [failed, setFailed] = useState(false);
  const [started, setStarted] = useState(!props.defer);
  if (!started && !props.defer) setStarted(true);
  const cls = `thumb${props.round ? ' is-round' : ''}`;
  if (props.faceId === null || failed || !started) {
    if (!started && props.faceId !== null) return <span className={`${cls} is-empty`} aria-hidden="true" />;
    return (
      <span className={`${cls} is-empty`} aria-hidden={props.label ? undefined : true}>
        {props.label ? initials(props.label) : ''}
      </span>
    );
  }
  return (
    <img
      className={cls}
      src={client.faceUrl(props.faceId, props.size ?? 160)}
      alt=""
      decoding="async"
      draggable={false}
      onError={() => setFailed(true)}
    />
  );
});

export const PhotoThumb = memo(function PhotoThumb(props: { photoId: number; alt: string }) {
  const client = useClient();
  return (
    <img
      className="photo-thumb"
      src={client.photoUrl(props.photoId, 'thumb')}
      alt={props.alt}
      loading="lazy"
      decoding="async"
      draggable={false}
    />
  );
});

function initials(name: string): string {
  if (name === 'Unnamed') return '';
  return name
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w[0]?.toUpperCase() ?? '')
    .join('');
}
