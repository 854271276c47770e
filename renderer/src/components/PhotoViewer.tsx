// The photo with its face boxes and names. Named boxes open the person; unknown ones can be given a
// person. "Add face" (or F) draws a box round a face the scan missed, then asks who it is. Arrow keys
// step through the photos it was opened from; Escape closes.
import { type PointerEvent, useLayoutEffect, useRef, useState } from 'react';
import type { Box, PhotoFace } from '../../../electron/shared/api.ts';
import { sameFaceAsDrawn } from '../../../electron/shared/drawn-face.ts';
import { useActions, useApp, useClient } from '../context.ts';
import { photoDate } from '../format.ts';
import { Dialog } from './Dialog.tsx';
import { ChevronLeftIcon, ChevronRightIcon, CloseIcon, PlusIcon } from './icons.tsx';
import { PersonPicker } from './PersonPicker.tsx';

export function PhotoViewer() {
  const viewer = useApp((s) => s.photo);
  const actions = useActions();
  const client = useClient();
  const stageRef = useRef<HTMLDivElement>(null);
  const [box, setBox] = useState({ w: 0, h: 0 });
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);
  const [assigning, setAssigning] = useState<PhotoFace | null>(null);
  /** Drawing a missed face: off, armed (crosshair), or a box (display pixels) being dragged or named. */
  const [drawing, setDrawing] = useState(false);
  const [drawn, setDrawn] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const [naming, setNaming] = useState(false);
  const dragRef = useRef<number | null>(null);
  const busy = useApp((s) => s.busy);

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

  const stopDrawing = () => {
    setDrawing(false);
    setDrawn(null);
    setNaming(false);
  };
  const rect = drawn && {
    x: Math.min(drawn.x0, drawn.x1),
    y: Math.min(drawn.y0, drawn.y1),
    w: Math.abs(drawn.x1 - drawn.x0),
    h: Math.abs(drawn.y1 - drawn.y0),
  };
  /** The drawn box in photo pixels. */
  const photoBox = (): Box | null =>
    rect && scale > 0 ? { x: rect.x / scale, y: rect.y / scale, w: rect.w / scale, h: rect.h / scale } : null;
  /** The drawn box covers a face already marked (the service would refuse it): said while drawing. */
  const drawnBox = photoBox();
  const clash = !!drawnBox && !!detail?.faces.some((f) => sameFaceAsDrawn(drawnBox, f.box));
  const at = (e: PointerEvent<HTMLDivElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const clamp = (v: number, max: number) => Math.min(Math.max(0, v), max);
    return { x: clamp(e.clientX - r.left, r.width), y: clamp(e.clientY - r.top, r.height) };
  };

  return (
    <Dialog title={title} onClose={actions.closePhoto} className="viewer" hideTitle>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys step between photos */}
      <div
        className="viewer-inner"
        onKeyDown={(e) => {
          if ((e.target as HTMLElement).tagName === 'INPUT') return;
          if (e.key === 'ArrowRight') void actions.stepPhoto(1);
          if (e.key === 'ArrowLeft') void actions.stepPhoto(-1);
          if (e.key.toLowerCase() === 'f' && !e.metaKey && !e.ctrlKey && !naming) setDrawing((d) => !d);
        }}
      >
        <header className="viewer-bar">
          <div>
            <div className="viewer-title">{detail?.photo.fileName ?? ''}</div>
            <div className="muted">
              {detail ? photoDate(detail.photo.takenAt, detail.photo.dateApproximate) : ''}
              {viewer.sequence.length > 1 ? ` · ${index + 1} of ${viewer.sequence.length}` : ''}
            </div>
          </div>
          <div className="toolbar">
            <button
              type="button"
              className={`button is-quiet${drawing ? ' is-on' : ''}`}
              aria-pressed={drawing}
              aria-keyshortcuts="F"
              title="Draw a box round a face the scan missed (F)"
              disabled={!detail || busy}
              onClick={() => (drawing ? stopDrawing() : setDrawing(true))}
            >
              <PlusIcon size={16} /> Add face
            </button>
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
            {drawing && scale > 0 && (
              <div
                className="draw-layer"
                data-testid="draw-layer"
                onPointerDown={(e) => {
                  if (e.button !== 0 || naming) return;
                  const p = at(e);
                  dragRef.current = e.pointerId;
                  e.currentTarget.setPointerCapture(e.pointerId);
                  setDrawn({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
                }}
                onPointerMove={(e) => {
                  if (dragRef.current !== e.pointerId) return;
                  const p = at(e);
                  setDrawn((d) => d && { ...d, x1: p.x, y1: p.y });
                }}
                onPointerUp={(e) => {
                  if (dragRef.current !== e.pointerId) return;
                  dragRef.current = null;
                  // A click or a sliver is not a face, and a marked face is not marked twice: start again.
                  if (clash) {
                    actions.toast(
                      'That face is already marked on this photo: select its box to move it to a person instead.',
                      'error',
                    );
                    setDrawn(null);
                  } else if (rect && rect.w >= 8 && rect.h >= 8) setNaming(true);
                  else setDrawn(null);
                }}
              >
                {rect && (
                  <div
                    className={`face-box is-drawn${busy ? ' is-pending' : ''}${clash ? ' is-refused' : ''}`}
                    data-testid="drawn-box"
                    style={{ left: rect.x, top: rect.y, width: rect.w, height: rect.h }}
                  >
                    {busy && <span className="face-label">Adding…</span>}
                    {clash && <span className="face-label">Already marked</span>}
                  </div>
                )}
              </div>
            )}
          </div>
        </div>
      </div>
      {naming && (
        <PersonPicker
          title="Who is this?"
          allowNew
          onClose={() => {
            setNaming(false);
            setDrawn(null);
          }}
          onPick={(to) => {
            const b = photoBox();
            setNaming(false);
            if (!b || !detail) return stopDrawing();
            // The box stays on screen ("Adding…") while the face model reads it.
            void actions.addFace(detail.photo.photoId, b, to).finally(stopDrawing);
          }}
        />
      )}
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
