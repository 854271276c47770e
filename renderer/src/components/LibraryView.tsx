// Folders, scanning and what could not be read. Also the first-run screen.
import { type FormEvent, useEffect, useId, useState } from 'react';
import type { ScanStatus } from '../../../electron/shared/api.ts';
import { useActions, useApp, useClient } from '../context.ts';
import { duration, num, plural, SKIP_REASONS } from '../format.ts';
import { GroupingQualityPanel } from './GroupingQualityPanel.tsx';
import { CloseIcon, FolderIcon, PauseIcon, PlayIcon, PlusIcon, ScanIcon, StopIcon } from './icons.tsx';

const ACTIVE = new Set<ScanStatus['state']>(['running', 'paused', 'finishing', 'grouping']);

export const isScanActive = (scan: ScanStatus | null): boolean => scan !== null && ACTIVE.has(scan.state);

export function LibraryView() {
  const status = useApp((s) => s.status);
  const scan = useApp((s) => s.scan);
  const folders = status?.folders ?? [];
  const firstRun = folders.length === 0;
  return (
    <section className="view library" aria-label="Library">
      <div className="library-scroll">
        {firstRun ? (
          <div className="hero">
            <img className="hero-icon" src="./icon.svg" alt="" width={72} height={72} />
            <h1>Find the people in your photos</h1>
            <p className="muted">
              Add a folder of photos. Kith looks for faces on this computer — nothing is uploaded, your photos
              are never changed — and groups them into people you can name.
            </p>
            <AddFolder firstRun />
          </div>
        ) : (
          <>
            <div className="view-title-row">
              <h1 className="view-title">Library</h1>
              <span className="view-count">{status ? plural(status.photos.analyzed, 'photo') : ''}</span>
            </div>
            <div className="cards">
              <Folders />
              <ScanCard />
              <SettingsCard />
            </div>
          </>
        )}
        {!firstRun && scan && scan.skipped > 0 && <Skipped />}
      </div>
    </section>
  );
}

/** Adding a folder starts its scan: a watching service starts it itself, otherwise it is asked for. */
function AddFolder({ firstRun = false }: { firstRun?: boolean }) {
  const client = useClient();
  const actions = useActions();
  const watching = useApp((s) => s.status?.watching ?? false);
  const [path, setPath] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!path.trim()) return;
    if (await actions.addFolder(path.trim())) {
      setPath('');
      if (!watching) await actions.startScan();
    }
  };
  if (client.platform === 'electron') {
    return (
      <button
        type="button"
        className="button is-primary is-large"
        onClick={() => void actions.chooseFolders()}
      >
        <FolderIcon /> Choose a folder…
      </button>
    );
  }
  return (
    <form className="add-folder" onSubmit={(e) => void submit(e)}>
      <label className="sr-only" htmlFor="folder-path">
        Folder path
      </label>
      <input
        id="folder-path"
        className="input"
        placeholder="/home/you/Pictures"
        value={path}
        onChange={(e) => setPath(e.target.value)}
        spellCheck={false}
        autoComplete="off"
      />
      <button type="submit" className="button is-primary" disabled={!path.trim()}>
        <PlusIcon size={16} /> {firstRun ? 'Add and scan' : 'Add folder'}
      </button>
    </form>
  );
}

function Folders() {
  const status = useApp((s) => s.status);
  const scan = useApp((s) => s.scan);
  const actions = useActions();
  const folders = status?.folders ?? [];
  return (
    <section className="card" aria-labelledby="folders-title">
      <h2 id="folders-title">Photo folders</h2>
      <ul className="folder-list">
        {folders.map((f) => (
          <li key={f}>
            <FolderIcon size={16} />
            {/* Right-to-left so a long path loses its start, not its folder name; <bdi> keeps it readable. */}
            <span className="folder-path" title={f}>
              <bdi>{f}</bdi>
            </span>
            <button
              type="button"
              className="icon-button is-small"
              aria-label={`Remove ${f}`}
              disabled={isScanActive(scan)}
              onClick={() => void actions.removeFolder(f)}
            >
              <CloseIcon size={14} />
            </button>
          </li>
        ))}
      </ul>
      {status?.watching && folders.length > 0 && (
        <p className="muted small" data-testid="watching">
          Watching these folders: new, changed, moved and deleted photos are picked up by themselves.
        </p>
      )}
      <AddFolder />
    </section>
  );
}

function ScanCard() {
  const scan = useApp((s) => s.scan);
  const status = useApp((s) => s.status);
  const actions = useActions();
  const active = isScanActive(scan);
  return (
    <section className="card" aria-labelledby="scan-title">
      <h2 id="scan-title">Scan</h2>
      {scan && (scan.state !== 'idle' || active) ? (
        <ScanProgress scan={scan} />
      ) : (
        <p className="muted">Not scanned yet.</p>
      )}
      <div className="toolbar">
        {!active && (
          <button
            type="button"
            className="button is-primary"
            disabled={(status?.folders.length ?? 0) === 0}
            onClick={() => void actions.startScan()}
          >
            <ScanIcon size={16} /> Scan now
          </button>
        )}
        {scan?.state === 'running' && (
          <button type="button" className="button" onClick={() => void actions.pauseScan()}>
            <PauseIcon size={16} /> Pause
          </button>
        )}
        {scan?.state === 'paused' && (
          <button type="button" className="button is-primary" onClick={() => void actions.resumeScan()}>
            <PlayIcon size={16} /> Resume
          </button>
        )}
        {(scan?.state === 'running' || scan?.state === 'paused') && (
          <button type="button" className="button" onClick={() => void actions.cancelScan()}>
            <StopIcon size={16} /> Cancel
          </button>
        )}
      </div>
    </section>
  );
}

const STATE_TEXT: Record<ScanStatus['state'], string> = {
  idle: 'Not scanned yet',
  running: 'Scanning',
  paused: 'Paused',
  finishing: 'Finishing',
  grouping: 'Grouping faces into people',
  done: 'Up to date',
  cancelled: 'Cancelled — scan again to continue where it stopped',
  interrupted: 'Interrupted — scan again to continue where it stopped',
  failed: 'Failed',
};

export function ScanProgress({ scan, compact = false }: { scan: ScanStatus; compact?: boolean }) {
  const total = Math.max(scan.discovered, scan.processed);
  const pct = total > 0 ? Math.round((scan.processed / total) * 100) : 0;
  const indeterminate = scan.state === 'grouping' || (!scan.walkDone && total === 0);
  const active = isScanActive(scan);
  return (
    <div className={`scan-progress${compact ? ' is-compact' : ''}`}>
      <div className="scan-line">
        <span className="scan-state">{STATE_TEXT[scan.state]}</span>
        {active && scan.state !== 'grouping' && (
          <span className="muted">
            {num(scan.processed)} of {num(total)}
            {scan.walkDone ? '' : '+'}
          </span>
        )}
      </div>
      {(active || compact) && (
        <div
          className={`progress${indeterminate ? ' is-indeterminate' : ''}`}
          role="progressbar"
          aria-label="Scan progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={indeterminate ? undefined : pct}
        >
          <div className="progress-fill" style={{ width: indeterminate ? undefined : `${pct}%` }} />
        </div>
      )}
      {!compact && (
        <dl className="scan-stats">
          <div>
            <dt>Photos</dt>
            <dd>{num(total)}</dd>
          </div>
          <div>
            <dt>Analysed</dt>
            <dd>{num(scan.analyzed)}</dd>
          </div>
          <div>
            <dt>Unchanged</dt>
            <dd>{num(scan.unchanged + scan.moved)}</dd>
          </div>
          <div>
            {/* Found by this scan (beside Photos, the library's total, a bare "Faces" read as all). */}
            <dt>New faces</dt>
            <dd>{num(scan.faces)}</dd>
          </div>
          <div>
            <dt>Skipped</dt>
            <dd>{num(scan.skipped)}</dd>
          </div>
          {active && (
            <>
              <div>
                <dt>Rate</dt>
                <dd>{scan.rate > 0 ? `${scan.rate.toFixed(1)}/s` : '—'}</dd>
              </div>
              <div>
                <dt>Time left</dt>
                <dd>{scan.etaSeconds === null ? '—' : duration(scan.etaSeconds)}</dd>
              </div>
            </>
          )}
        </dl>
      )}
      {!compact && scan.error && <p className="error-text">{scan.error}</p>}
      {!compact && active && scan.currentPath && (
        <p className="muted scan-current" title={scan.currentPath}>
          {scan.currentPath}
        </p>
      )}
    </div>
  );
}

function SettingsCard() {
  const settings = useApp((s) => s.settings);
  const providers = useApp((s) => s.status?.providers ?? NO_PROVIDERS);
  const actions = useActions();
  const [draft, setDraft] = useState<number | null>(null);
  if (!settings) return null;
  const value = draft ?? settings.threshold ?? 1.0;
  return (
    <section className="card" aria-labelledby="settings-title">
      <h2 id="settings-title">Grouping</h2>
      <label className="slider">
        <span>
          How alike faces must be to be one person:{' '}
          <strong>
            {settings.threshold === null && draft === null ? 'model default' : value.toFixed(2)}
          </strong>
        </span>
        <input
          type="range"
          min={0.3}
          max={1.8}
          step={0.05}
          value={value}
          aria-label="Grouping threshold (squared distance)"
          onChange={(e) => setDraft(Number(e.target.value))}
        />
        <span className="slider-ends muted">
          <span>Stricter</span>
          <span>Looser</span>
        </span>
      </label>
      <div className="toolbar">
        <button
          type="button"
          className="button"
          disabled={draft === null}
          onClick={() => {
            void actions.saveSettings({ threshold: draft });
            setDraft(null);
          }}
        >
          Save
        </button>
        <button
          type="button"
          className="button is-quiet"
          disabled={settings.threshold === null}
          onClick={() => {
            setDraft(null);
            void actions.saveSettings({ threshold: null });
          }}
        >
          Use the model’s default
        </button>
      </div>
      <p className="muted small">Your corrections always win over grouping. Applies from the next scan.</p>
      <GroupingQualityPanel />
      <FaceModelSetting current={settings.pipeline} />
      <p className="muted small" data-testid="providers">
        Face analysis runs on{' '}
        <strong title={providers.length > 1 ? `In order of preference: ${providers.join(', ')}` : undefined}>
          {providers.length === 0 ? '…' : providerLabel(providers[0]!)}
        </strong>
        {providers.length > 1 ? ` (falls back to ${providers.slice(1).map(providerLabel).join(', ')})` : ''}.
      </p>
    </section>
  );
}

/**
 * Which face model scans use: automatic (the most accurate one installed) or one the user picks,
 * e.g. the fast one for a big library on a slow machine. Models whose files are not installed are
 * listed but cannot be picked.
 */
function FaceModelSetting({ current }: { current: string }) {
  const choices = useApp((s) => s.pipelines);
  const actions = useActions();
  const id = useId();
  useEffect(() => {
    if (!choices) void actions.loadPipelines();
  }, [choices, actions]);
  if (!choices) return null;
  const autoLabel = choices.pipelines.find((p) => p.id === choices.auto)?.label ?? 'none installed';
  return (
    <div className="face-model">
      <label className="export-field" htmlFor={`${id}-model`}>
        <span>Face model</span>
        <select
          id={`${id}-model`}
          className="input"
          value={current}
          onChange={(e) => void actions.saveSettings({ pipeline: e.target.value })}
        >
          <option value="auto">Automatic: {autoLabel}</option>
          {choices.pipelines.map((p) => (
            <option
              key={p.id}
              value={p.id}
              disabled={p.unavailable !== null}
              title={p.unavailable ?? undefined}
            >
              {p.unavailable === null ? p.label : `${p.label} (not installed)`}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">
        Another face model analyses every photo again at the next scan; names and your corrections carry over
        to the new faces.
      </p>
    </div>
  );
}

const NO_PROVIDERS: readonly string[] = [];
const PROVIDER_LABELS: Record<string, string> = {
  cpu: 'CPU',
  cuda: 'CUDA (NVIDIA GPU)',
  dml: 'DirectML',
  coreml: 'Core ML',
};

/** An ONNX Runtime execution provider as users know it. */
export const providerLabel = (p: string): string => PROVIDER_LABELS[p] ?? p;

function Skipped() {
  const skipped = useApp((s) => s.skipped);
  const total = useApp((s) => s.skippedTotal);
  const actions = useActions();
  return (
    <section className="card skipped" aria-labelledby="skipped-title">
      <h2 id="skipped-title">Files that could not be read</h2>
      {skipped === null ? (
        <button type="button" className="button" onClick={() => void actions.loadSkipped()}>
          Show them
        </button>
      ) : (
        <>
          <p className="muted">{plural(total, 'file')} skipped. They are tried again when they change.</p>
          <table className="skipped-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {skipped.slice(0, 500).map((f) => (
                <tr key={f.photoId}>
                  <td className="skipped-path" title={f.path}>
                    {f.path}
                  </td>
                  <td title={f.detail ?? undefined}>{SKIP_REASONS[f.reason] ?? f.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {total > 500 && <p className="muted">…and {num(total - 500)} more.</p>}
        </>
      )}
    </section>
  );
}
