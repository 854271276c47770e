// A node:test reporter that writes what did not run: every skipped test (or suite) with its reason,
// then one "N passed, N failed, N skipped" line. scripts/run-tests.ts prints it after the spec
// reporter's output, so a run that skipped tests cannot pass for a full green run.
// Plain JavaScript: node:test loads reporters without the tsx loader the tests run under.
import { relative } from 'node:path';

/**
 * @typedef {{ name: string, nesting: number, file?: string, skip?: string | boolean,
 *   details: { type?: 'suite' | 'test', error?: { failureType?: string } } }} ResultData
 * @param {AsyncIterable<{ type: string, data: unknown }>} source
 * @returns {AsyncGenerator<string>}
 */
export default async function* skipReporter(source) {
  let passed = 0;
  let failed = 0;
  /** @type {Array<{ where: string, reason: string }>} */
  const skipped = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = /** @type {ResultData} */ (event.data);
    const suite = d.details.type === 'suite';
    if (d.skip !== undefined && d.skip !== false) {
      const where = `${d.file ? relative(process.cwd(), d.file) : '?'}: ${suite ? 'suite ' : ''}${d.name}`;
      skipped.push({ where, reason: d.skip === true ? '(no reason given)' : d.skip });
    } else if (event.type === 'test:fail') {
      // A suite fails when a test in it does (counted there) or when its own hooks fail.
      if (!suite || d.details.error?.failureType !== 'subtestsFailed') failed++;
    } else if (!suite) passed++;
  }
  if (skipped.length > 0) {
    const rule = '━'.repeat(100);
    const n = skipped.length === 1 ? '1 test was' : `${skipped.length} tests were`;
    yield `\n${rule}\n  ${n} SKIPPED: this run did not check everything.\n${rule}\n`;
    for (const s of skipped) yield `  SKIPPED  ${s.where}\n           ${s.reason}\n`;
    yield `${rule}\n  The full suite needs ../shared (data sets and models) and Debian's chromium: see README, "Set up".\n${rule}\n`;
  }
  yield `${passed} passed, ${failed} failed, ${skipped.length} skipped\n`;
}
