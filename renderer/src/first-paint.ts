// The first paint of the People view, before React (issue 4: ≤ 500 ms on a 2,000-person library).
// index.html carries the window's shell (#boot: sidebar and People header, drawn by the app's own
// stylesheet); the entry (main.tsx) calls firstPaint before the React bundle is even fetched: it asks
// the service for the first screenful of people only (`limit`) and draws their cards with the same
// markup, classes and geometry as PeopleView/VirtualGrid. React renders underneath and removes #boot
// (boot-screen.ts) once its People view has its data, so the swap shows no change.
// Nothing here is interactive: #boot is inert and hidden from assistive technology.
import type { Output } from '../../electron/shared/api.ts';
import type { FaceSize } from '../../electron/shared/media.ts';
import type { KithClient } from './api/client.ts';
import { num, plural } from './format.ts';
import { faceSizeFor, gridGeometry, PEOPLE_GRID, screenful } from './grid-geometry.ts';

function el(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * The cards of `list` in rows, as VirtualGrid lays out PeopleView's PersonCard. Returns the covers to
 * load (image and address): the caller sets them once the app's code has been requested.
 */
function draw(
  body: HTMLElement,
  list: Output<'listPeople'>,
  faceUrl: (id: number, s: FaceSize) => string,
): Array<[HTMLImageElement, string]> {
  const covers: Array<[HTMLImageElement, string]> = [];
  const grid = body.parentElement;
  if (!grid) return covers;
  const { columns, cellWidth, rowHeight } = gridGeometry(grid.clientWidth, PEOPLE_GRID);
  const { gap, padding } = PEOPLE_GRID;
  const size = faceSizeFor(cellWidth, window.devicePixelRatio);
  const rows = Math.ceil(list.people.length / columns);
  body.style.position = 'relative';
  body.style.height = `${padding * 2 + rows * rowHeight}px`;
  for (let r = 0; r < rows; r++) {
    const row = el('div', 'vgrid-row');
    row.style.transform = `translateY(${padding + r * rowHeight}px)`;
    row.style.height = `${rowHeight - gap}px`;
    row.style.gap = `${gap}px`;
    row.style.paddingInline = `${padding}px`;
    for (const p of list.people.slice(r * columns, (r + 1) * columns)) {
      const cell = el('div', 'vgrid-cell');
      cell.style.width = `${cellWidth}px`;
      const card = el('div', `person-card${p.hidden ? ' is-hidden' : ''}`);
      const cover = el('div', 'person-cover');
      if (p.coverFaceId !== null) {
        const img = el('img', 'thumb is-round') as HTMLImageElement;
        img.alt = '';
        img.decoding = 'async';
        covers.push([img, faceUrl(p.coverFaceId, size)]);
        cover.append(img);
      } else {
        cover.append(el('span', 'thumb is-round is-empty'));
      }
      card.append(
        cover,
        el('div', `person-name${p.name === null ? ' is-unnamed' : ''}`, p.name ?? 'Unnamed'),
        el('div', 'person-count', plural(p.photoCount, 'photo')),
      );
      cell.append(card);
      row.append(cell);
    }
    body.append(row);
  }
  // The header and sidebar as PeopleView and Sidebar show them.
  const text = (id: string, value: string) => {
    const e = document.getElementById(id);
    if (e) e.textContent = value;
  };
  text('boot-count', plural(list.total, 'person', 'people'));
  if (list.total > 0) text('boot-people', num(list.total));
  if (list.hidden > 0) text('boot-hidden-count', ` (${num(list.hidden)})`);
  else document.getElementById('boot-hidden')?.setAttribute('disabled', '');
  return covers;
}

/**
 * Draws the first people into #boot; settles when drawn (or when there is nothing to draw).
 * `drawn` runs in the frame that paints the cards (a requestAnimationFrame callback: nothing it starts
 * can delay that paint), before their covers are requested: the app's code is fetched first, so it
 * does not queue behind sixty images on the browser's six connections.
 */
export async function firstPaint(client: KithClient, drawn: () => void): Promise<void> {
  const boot = document.getElementById('boot');
  if (!boot) return;
  try {
    const list = await client.listPeople({
      sort: 'size',
      search: '',
      includeHidden: false,
      limit: screenful(window.innerWidth, window.innerHeight),
    });
    const body = document.getElementById('boot-cards');
    if (!body || !boot.isConnected) return;
    const covers = draw(body, list, (id, size) => client.faceUrl(id, size));
    performance.mark('kith-first-paint');
    await new Promise<void>((ok) =>
      requestAnimationFrame(() => {
        drawn();
        for (const [img, src] of covers) img.src = src;
        ok();
      }),
    );
  } catch {
    // The app reports errors itself once it has loaded; the shell just stays empty until then.
  }
}
