// Faces in no person: too few look-alikes yet, too poor to group, or removed with "not this person".
// Select and add them to someone (or a new person).
import { useMemo } from 'react';
import { useActions, useApp } from '../context.ts';
import { plural } from '../format.ts';
import { CheckIcon } from './icons.tsx';
import { FaceSelectionBar, faceGridHandlers, faceGridKeys } from './PersonView.tsx';
import { FaceThumb, faceSizeFor } from './Thumbs.tsx';
import { VirtualGrid } from './VirtualGrid.tsx';

export function UnassignedView() {
  const faces = useApp((s) => s.unassigned);
  const total = useApp((s) => s.unassignedTotal);
  const selection = useApp((s) => s.unassignedSelection);
  const actions = useActions();
  const selected = useMemo(() => new Set(selection.ids), [selection.ids]);
  const sequence = useMemo(() => [...new Set(faces.map((f) => f.photoId))], [faces]);

  const header = (
    <div className="view-header">
      <div className="view-title-row">
        <h1 className="view-title">Unassigned faces</h1>
        <span className="view-count">{plural(total, 'face')}</span>
      </div>
      <p className="muted view-intro">
        Faces Kith has not put in a person: seen only once so far, too small or blurred to be sure, or removed
        with “not this person”. Select some and add them to someone.
      </p>
      <FaceSelectionBar unassigned />
    </div>
  );

  return (
    <section className="view" aria-label="Unassigned faces">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: keyboard shortcuts for the grid inside */}
      <div
        className="grid-host"
        onKeyDown={(e) => faceGridKeys(e, actions, { reject: false, selected: selection.ids.length > 0 })}
      >
        <VirtualGrid
          label="Unassigned faces"
          count={faces.length}
          keyOf={(i) => faces[i]!.faceId}
          minCellWidth={112}
          cellHeight={(w) => w}
          gap={10}
          multiselectable
          selecting={selection.ids.length > 0}
          header={header}
          empty={
            <div className="empty">
              <p className="empty-title">Every face has a person</p>
            </div>
          }
          isSelected={(i) => selected.has(faces[i]!.faceId)}
          cellLabel={(i) => `Unassigned face ${i + 1}`}
          renderCell={(i, width, scrolling) => (
            <div className="face-cell">
              <FaceThumb faceId={faces[i]!.faceId} size={faceSizeFor(width)} defer={scrolling} />
              <span className={`check${selected.has(faces[i]!.faceId) ? ' is-on' : ''}`} aria-hidden="true">
                <CheckIcon size={14} />
              </span>
            </div>
          )}
          {...faceGridHandlers(faces, actions, sequence)}
        />
      </div>
    </section>
  );
}
