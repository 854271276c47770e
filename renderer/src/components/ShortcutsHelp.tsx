// The keyboard shortcuts, listed in one overlay (`?` opens and closes it).
import { useActions, useApp } from '../context.ts';
import { Dialog } from './Dialog.tsx';
import { MOD } from './Sidebar.tsx';

const isMac = MOD === '⌘';

export const SHORTCUTS: ReadonlyArray<{ group: string; keys: ReadonlyArray<[string, string]> }> = [
  {
    group: 'Everywhere',
    keys: [
      [`${MOD}1`, 'People'],
      [`${MOD}2`, 'Unassigned faces'],
      [`${MOD}3`, 'Library'],
      [`${MOD}4`, 'Photos (filter by people)'],
      [`${MOD}F or /`, 'Find a person'],
      [`${MOD}Z`, 'Undo'],
      [isMac ? '⇧⌘Z' : 'Ctrl+Shift+Z or Ctrl+Y', 'Redo'],
      [isMac ? '⌥← ⌥→' : 'Alt+← Alt+→', 'Back / forward'],
      ['?', 'Show these shortcuts'],
    ],
  },
  {
    group: 'Grids',
    keys: [
      ['Arrows, Home, End, Page Up/Down', 'Move'],
      ['Enter or double-click', 'Open'],
      ['Space', 'Select or deselect'],
      ['Shift+arrows, Shift-click', 'Select a range'],
      [`${MOD}click`, 'Add to the selection'],
      ['Drag', `Select the faces under the rectangle (Shift or ${MOD}drag adds)`],
      [`${MOD}A`, 'Select all faces'],
      ['Delete', 'Not this person'],
      ['Escape', 'Clear the selection; on a person, back to People'],
    ],
  },
  {
    group: 'Review suggestions',
    keys: [
      ['Y', 'Yes, this is them'],
      ['N', 'No, not this person'],
      ['S', 'Skip'],
    ],
  },
  {
    group: 'Photo viewer',
    keys: [
      ['← →', 'Previous / next photo'],
      ['F', 'Add a face the scan missed (draw a box round it)'],
      ['Escape', 'Close'],
    ],
  },
];

export function ShortcutsHelp() {
  const open = useApp((s) => s.shortcutsOpen);
  const actions = useActions();
  if (!open) return null;
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => actions.setShortcutsOpen(false)} className="shortcuts">
      {SHORTCUTS.map((g) => (
        <section key={g.group} aria-label={g.group}>
          <h3 className="shortcuts-group">{g.group}</h3>
          <dl className="shortcuts-list">
            {g.keys.map(([k, what]) => (
              <div key={k} className="shortcuts-row">
                <dt>
                  <kbd>{k}</kbd>
                </dt>
                <dd>{what}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={() => actions.setShortcutsOpen(false)}>
          Close
        </button>
      </div>
    </Dialog>
  );
}
