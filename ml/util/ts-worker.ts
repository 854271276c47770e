// [Note: TypeScript in workers] Node 20 does not apply `--import` loader hooks to a worker's entry
// file (nodejs/node#47747), so a worker's entry is a tiny ES module that imports the .ts file and, if
// Node rejects the extension, registers tsx in the worker and retries (a query string avoids the
// cached failure). On Node versions where `execArgv --import tsx` works, the first import succeeds.

/** A `new Worker(...)` URL that runs the TypeScript module at `entry` (a file URL). */
export function tsWorkerUrl(entry: string): URL {
  const api = import.meta.resolve('tsx/esm/api');
  const code = `try { await import(${JSON.stringify(entry)}); } catch (err) {
  if (err?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw err;
  const { register } = await import(${JSON.stringify(api)});
  register();
  await import(${JSON.stringify(`${entry}?tsx`)});
}`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}
