// Export: the labeled faces as JSON, CSV, per-person folders, XMP sidecars or embeddings, into a
// folder the user types (XMP may go next to each photo instead). Calls exportLibrary.
import { type FormEvent, useId, useState } from 'react';
import type { ExportFormat, ExportSummary, Input } from '../../../electron/shared/api.ts';
import { useActions, useClient } from '../context.ts';
import { errorMessage } from '../store/app-store.ts';
import { Dialog } from './Dialog.tsx';

const FORMATS: ReadonlyArray<{ value: ExportFormat; label: string }> = [
  { value: 'json', label: 'JSON (kith-faces.json)' },
  { value: 'csv', label: 'CSV (kith-faces.csv)' },
  { value: 'folders', label: 'A folder per person' },
  { value: 'xmp', label: 'XMP sidecars (face regions for other apps)' },
  { value: 'embeddings', label: 'Face embeddings (NumPy)' },
];

type Link = NonNullable<Input<'exportLibrary'>['link']>;
type Sidecar = NonNullable<Input<'exportLibrary'>['sidecar']>;

export function ExportDialog() {
  const client = useClient();
  const actions = useActions();
  const id = useId();
  const [format, setFormat] = useState<ExportFormat>('json');
  const [out, setOut] = useState('');
  const [namedOnly, setNamedOnly] = useState(false);
  const [link, setLink] = useState<Link>('hard');
  const [sidecar, setSidecar] = useState<Sidecar>('photo.jpg.xmp');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const close = () => actions.setDialog(null);
  const needsOut = format !== 'xmp';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || (needsOut && !out.trim())) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(
        await client.exportLibrary({
          format,
          ...(out.trim() ? { out: out.trim() } : {}),
          namedOnly,
          link,
          sidecar,
        }),
      );
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title="Export" onClose={close} className="export-dialog">
      <form className="export-form" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <label className="export-field" htmlFor={`${id}-format`}>
          <span>Format</span>
          <select
            id={`${id}-format`}
            className="input"
            value={format}
            onChange={(e) => setFormat(e.target.value as ExportFormat)}
          >
            {FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </label>
        <label className="export-field" htmlFor={`${id}-out`}>
          <span>{needsOut ? 'Output folder' : 'Output folder (leave empty: next to each photo)'}</span>
          <input
            id={`${id}-out`}
            className="input"
            placeholder="/home/you/Kith export"
            value={out}
            onChange={(e) => setOut(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            required={needsOut}
          />
        </label>
        {format !== 'xmp' && (
          <label className="export-check">
            <input type="checkbox" checked={namedOnly} onChange={(e) => setNamedOnly(e.target.checked)} />
            Named people only
          </label>
        )}
        {format === 'folders' && (
          <label className="export-field" htmlFor={`${id}-link`}>
            <span>Photos in the folders are</span>
            <select
              id={`${id}-link`}
              className="input"
              value={link}
              onChange={(e) => setLink(e.target.value as Link)}
            >
              <option value="hard">Hard links (no extra space)</option>
              <option value="symlink">Symbolic links</option>
              <option value="copy">Copies</option>
            </select>
          </label>
        )}
        {format === 'xmp' && (
          <label className="export-field" htmlFor={`${id}-sidecar`}>
            <span>Sidecar name</span>
            <select
              id={`${id}-sidecar`}
              className="input"
              value={sidecar}
              onChange={(e) => setSidecar(e.target.value as Sidecar)}
            >
              <option value="photo.jpg.xmp">photo.jpg.xmp</option>
              <option value="photo.xmp">photo.xmp</option>
            </select>
          </label>
        )}
        <div role="status" aria-live="polite">
          {busy && <p className="muted">Exporting…</p>}
          {result && <p className="export-result">{result.message}</p>}
          {result && result.errors.length > 0 && (
            <ul className="error-text" aria-label="Files not written">
              {result.errors.map((e) => (
                <li key={e.path}>{e.message}</li>
              ))}
            </ul>
          )}
        </div>
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={close}>
            {result ? 'Done' : 'Cancel'}
          </button>
          <button type="submit" className="button is-primary" disabled={busy || (needsOut && !out.trim())}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
