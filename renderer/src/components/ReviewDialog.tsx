// Review suggestions: the person's faces the clustering was least sure of, one at a time, lowest
// confidence first. Yes keeps the face (confirmFaces), No takes it out ("not this person"); both are
// undoable corrections. Keys: Y, N, S (skip), Escape.
import type { KeyboardEvent } from 'react';
import { useActions, useApp } from '../context.ts';
import { confidenceText, reviewQuestion } from '../correction-words.ts';
import { displayName } from '../store/app-store.ts';
import { Dialog } from './Dialog.tsx';
import { CheckIcon, CloseIcon } from './icons.tsx';
import { FaceThumb, PhotoThumb } from './Thumbs.tsx';

export function ReviewDialog() {
  const review = useApp((s) => s.review);
  const person = useApp((s) => s.person?.person);
  const busy = useApp((s) => s.busy);
  const actions = useActions();
  if (!review) return null;
  const face = review.faces[review.index];
  if (!face) return null;
  const named = person && person.id === review.personId ? person.name : null;
  const name = person && person.id === review.personId ? displayName(person) : 'this person';

  // Buttons stay enabled (aria-disabled) while an answer is saved, so focus (and Y / N) stays in the
  // dialog; answerReview ignores answers given meanwhile.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const k = e.key.toLowerCase();
    if (k === 'y' || k === 'n' || k === 's') {
      e.preventDefault();
      e.stopPropagation();
      void actions.answerReview(k === 'y' ? 'yes' : k === 'n' ? 'no' : 'skip');
    }
  };

  return (
    <Dialog title={`Review ${name}`} onClose={actions.closeReview} className="review-dialog">
      {/* biome-ignore lint/a11y/noStaticElementInteractions: Y / N / S answer; the buttons do the same */}
      <div className="review" onKeyDown={onKeyDown}>
        <p className="muted" aria-live="polite">
          {review.index + 1} of {review.faces.length} · {confidenceText(face.confidence)}
        </p>
        <div className="review-images">
          <FaceThumb key={face.faceId} faceId={face.faceId} size={256} label={`Face ${review.index + 1}`} />
          <PhotoThumb key={`p${face.photoId}`} photoId={face.photoId} alt="The photo this face is in" />
        </div>
        <p className="review-question" id="review-question">
          {reviewQuestion(named)}
        </p>
        <div className="toolbar review-actions" role="toolbar" aria-labelledby="review-question">
          <button
            type="button"
            className="button is-primary"
            data-autofocus
            aria-disabled={busy}
            aria-keyshortcuts="Y"
            onClick={() => void actions.answerReview('yes')}
          >
            <CheckIcon size={16} /> Yes <kbd>Y</kbd>
          </button>
          <button
            type="button"
            className="button"
            aria-disabled={busy}
            aria-keyshortcuts="N"
            onClick={() => void actions.answerReview('no')}
          >
            <CloseIcon size={16} /> No <kbd>N</kbd>
          </button>
          <button
            type="button"
            className="button is-quiet"
            aria-disabled={busy}
            aria-keyshortcuts="S"
            onClick={() => void actions.answerReview('skip')}
          >
            Skip <kbd>S</kbd>
          </button>
          <button type="button" className="button is-quiet" onClick={actions.closeReview}>
            Done
          </button>
        </div>
        <p className="muted review-tally">
          {review.yes} kept · {review.no} removed
        </p>
      </div>
    </Dialog>
  );
}
