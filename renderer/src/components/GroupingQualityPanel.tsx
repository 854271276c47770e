// The grouping's measured quality on the user's own confirmations (issue 15 item 13), beside the
// threshold setting: how often Kith's automatic grouping agrees with what the user confirmed or
// corrected (pairwise precision and recall), and what a stricter or looser threshold would change.
import { useEffect, useState } from 'react';
import type { GroupingQuality } from '../../../electron/shared/api.ts';
import { useApp, useClient } from '../context.ts';
import { changeText } from '../correction-words.ts';
import { plural } from '../format.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function GroupingQualityPanel() {
  const client = useClient();
  const status = useApp((s) => s.status);
  const settings = useApp((s) => s.settings);
  const [quality, setQuality] = useState<GroupingQuality | null | undefined>(undefined);
  // Measured again whenever the library or the settings change (a correction, a scan, a new threshold).
  useEffect(() => {
    let live = true;
    if (status && settings) {
      client
        .getGroupingQuality()
        .then((q) => live && setQuality(q))
        .catch(() => live && setQuality(null));
    }
    return () => {
      live = false;
    };
  }, [client, status, settings]);
  if (quality === undefined) return null;
  if (quality === null) {
    return (
      <p className="muted small" data-testid="grouping-quality">
        Confirm, move or name a few faces and Kith shows here how often its grouping agrees with you.
      </p>
    );
  }
  const { current, stricter, looser } = quality;
  return (
    <div className="grouping-quality" data-testid="grouping-quality">
      <p>
        On your {plural(quality.faces, 'confirmed face')} of {plural(quality.people, 'person', 'people')},
        Kith's own grouping agrees with you: of the faces it puts together,{' '}
        <strong>{pct(current.precision)}</strong> are the same person; of the faces you put together, it finds{' '}
        <strong>{pct(current.recall)}</strong>.
      </p>
      <table className="quality-table">
        <caption className="sr-only">Agreement with your confirmations at three thresholds</caption>
        <thead>
          <tr>
            <th scope="col">Threshold</th>
            <th scope="col">Right together</th>
            <th scope="col">Found</th>
            <th scope="col">Compared with now</th>
          </tr>
        </thead>
        <tbody>
          {(
            [
              ['Stricter', stricter],
              ['Now', current],
              ['Looser', looser],
            ] as const
          ).map(([label, p]) => (
            <tr key={label} className={label === 'Now' ? 'is-now' : undefined}>
              <th scope="row">
                {label} ({p.threshold.toFixed(2)})
              </th>
              <td>{pct(p.precision)}</td>
              <td>{pct(p.recall)}</td>
              <td>{label === 'Now' ? '—' : changeText(current, p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        Stricter keeps look-alikes apart but splits more people; looser finds more of each person but merges
        more look-alikes.
      </p>
    </div>
  );
}
