// The hand-over from the pre-React first paint (index.html's #boot, first-paint.ts) to the app.

/** Removes the first-paint shell; the React view under it is ready. Marks `kith-app-ready` once. */
export function dismissBootScreen(): void {
  const boot = document.getElementById('boot');
  if (!boot) return;
  boot.remove();
  performance.mark('kith-app-ready');
}
