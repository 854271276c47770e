// The photo with its face boxes and names. Named boxes open the person; unknown ones can be given a
// person. Arrow keys step through the photos it was opened from; Escape closes.
import { useLayoutEffect, useRef, useState } from 'react';
import type { PhotoFace } from '../../../electron/shared/api.ts';
import { useActions, useApp, useClient } from '../context.ts';
import { photoDate } from '../format.ts';
import { Dialog } from './Dialog.tsx';
import { ChevronLeftIcon, ChevronRightIcon, CloseIcon } from './icons.tsx';
import { PersonPicker } from './PersonPicker.tsx';

export function PhotoViewer() {
  const viewer = useApp((s) => s.photo);
  const actions = useActions();
  const client = useClient();
  const stageRef = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ w: 0, h: 0 });
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [assigning, setAssigning] = useState<PhotoFace | null>(null);

  const detail = viewer?.detail ?? null;
  const w = detail?.photo.width ?? natural?.w ?? 0;
  const h = detail?.photo.height ?? natural?.h ?? 0;

  useLayoutEffect(() => {
    const el = stageRef.current;
    if (!el) return;
    const measure = () => setBox({ w: el.clientWidth, h: el.clientHeight });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  if (!viewer) return null;
  const index = viewer.sequence.indexOf(viewer.photoId);
  const scale = w > 0 && h > 0 ? Math.min(box.w / w, box.h / h) : 0;
  const title = detail ? `${detail.photo.fileName}` : 'Photo';

  return (
    <Dialog title={title} onClose={actions.closePhoto} className="viewer" hideTitle>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys step between photos */}
      <div
        className="viewer-inner"
        onKeyDown={(e) => {
          if (e.key === 'ArrowRight') void actions.stepPhoto(1);
          if (e.key === 'ArrowLeft') void actions.stepPhoto(-1);
        }}
      >
        <header className="viewer-bar">
          <div>
            <div className="viewer-title">{detail?.photo.fileName ?? ''}</div>
            <div className="muted">
              {detail ? photoDate(detail.photo.takenAt) : ''}
              {viewer.sequence.length > 1 ? ` · ${index + 1} of ${viewer.sequence.length}` : ''}
            </div>
          </div>
          <div className="toolbar">
            <button
              type="button"
              className="icon-button"
              aria-label="Previous photo"
              disabled={index <= 0}
              onClick={() => void actions.stepPhoto(-1)}
            >
              <ChevronLeftIcon />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Next photo"
              disabled={index < 0 || index >= viewer.sequence.length - 1}
              onClick={() => void actions.stepPhoto(1)}
            >
              <ChevronRightIcon />
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Close"
              data-autofocus
              onClick={actions.closePhoto}
            >
              <CloseIcon />
            </button>
          </div>
        </header>
        <div ref={stageRef} className="viewer-stage">
          <div className="viewer-photo" style={{ width: w * scale, height: h * scale }}>
            <img
              key={viewer.photoId}
              src={client.photoUrl(viewer.photoId, 'screen')}
              alt={detail ? `Photo ${detail.photo.fileName}` : ''}
              onLoad={(e) => {
                const img = e.currentTarget;
                if (!detail?.photo.width) setNatural({ w: img.naturalWidth, h: img.naturalHeight });
              }}
            />
            {scale > 0 &&
              detail?.faces.map((f) => (
                <button
                  key={f.faceId}
                  type="button"
                  className={`face-box${f.personId === null ? ' is-unknown' : ''}`}
                  style={{
                    left: f.box.x * scale,
                    top: f.box.y * scale,
                    width: f.box.w * scale,
                    height: f.box.h * scale,
                  }}
                  aria-label={
                    f.personId === null
                      ? 'Unknown face: add to a person'
                      : `${f.personName ?? 'Unnamed'}: open person`
                  }
                  onClick={() => {
                    if (f.personId === null) {
                      setAssigning(f);
                    } else {
                      actions.closePhoto();
                      void actions.navigate({ view: 'person', personId: f.personId });
                    }
                  }}
                >
                  <span className="face-label">
                    {f.personId === null ? 'Unknown' : (f.personName ?? 'Unnamed')}
                  </span>
                </button>
              ))}
          </div>
        </div>
      </div>
      {assigning && (
        <PersonPicker
          title="Who is this?"
          allowNew
          onClose={() => setAssigning(null)}
          onPick={(to) => {
            const face = assigning;
            setAssigning(null);
            void actions.moveFaces([face.faceId], to);
          }}
        />
      )}
    </Dialog>
  );
}
