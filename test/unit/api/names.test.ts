// The name rule (electron/shared/names.ts): refused when typed, cleaned when imported, escaped when printed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkName, cleanName, NAME_MAX, printable } from '../../../electron/shared/names.ts';

const problem = (raw: string) => {
  const c = checkName(raw);
  return c.ok ? undefined : c.problem;
};

describe('the name rule', () => {
  test('checkName keeps ordinary names, trims, composes to NFC, and clears on empty', () => {
    assert.deepEqual(checkName('  Zoë  '), { ok: true, name: 'Zoë' });
    // "e" + combining acute (NFD) is stored as the one precomposed "é".
    assert.deepEqual(checkName('Jose\u0301'), { ok: true, name: 'Jos\u00e9' });
    assert.deepEqual(checkName('   '), { ok: true, name: null });
    assert.deepEqual(checkName(null), { ok: true, name: null });
    // Emoji (surrogate pairs), joiners and right-to-left scripts are names like any other.
    for (const name of ['👩‍👩‍👧 family', 'زهرا\u200cی', '王小明', 'Tom & Jerry', '=1+1']) {
      assert.deepEqual(checkName(name), { ok: true, name });
    }
  });

  test('checkName refuses control characters, lone surrogates and names over 200 characters', () => {
    for (const bad of [
      'Ann\u0000',
      '\u001b[31mred',
      'a\u001fb',
      'x\u007f',
      'C1 \u009b2J',
      'two\nlines',
      'sep\u2028x',
    ]) {
      assert.match(problem(bad) ?? '', /control character \(U\+[0-9A-F]{4}\)/, JSON.stringify(bad));
    }
    assert.match(problem('\ud800') ?? '', /lone surrogate/);
    assert.match(problem('ok \udfff') ?? '', /lone surrogate/);
    assert.equal(problem('a'.repeat(NAME_MAX)), undefined);
    assert.match(problem('a'.repeat(NAME_MAX + 1)) ?? '', /at most 200 characters \(this one has 201\)/);
    // Characters, not UTF-16 units: 200 emoji (400 units) fit.
    assert.equal(problem('😀'.repeat(NAME_MAX)), undefined);
    assert.ok(problem('😀'.repeat(NAME_MAX + 1)));
    // The message never carries the raw character.
    assert.doesNotMatch(problem('\u001b]0;title\u0007') ?? '', /\p{Cc}/u);
  });

  test('cleanName makes any text fit the rule instead of refusing it', () => {
    assert.equal(cleanName('  Ann\u001fMarie '), 'Ann Marie');
    assert.equal(cleanName('\u001b[2J\u001b[31mEve'), '[2J [31mEve');
    assert.equal(cleanName('Jose\u0301'), 'Jos\u00e9');
    assert.equal(cleanName('\ud800bad\udc00'), 'bad');
    assert.equal(cleanName('\u0000\u0001 '), null);
    assert.equal(cleanName('ffffffffffffffff'), 'ffffffffffffffff');
    // A 1,000,000-character name becomes 200 characters, quickly.
    const t0 = performance.now();
    assert.equal(cleanName('x'.repeat(1_000_000)), 'x'.repeat(NAME_MAX));
    assert.ok(performance.now() - t0 < 200);
    // The cut never splits a surrogate pair or a grapheme (an emoji family, a letter and its accent).
    const family = '👩‍👩‍👧';
    const cut = cleanName(`${'a'.repeat(NAME_MAX - 2)}${family}`);
    assert.equal(cut, 'a'.repeat(NAME_MAX - 2));
    const accents = cleanName(`${'a'.repeat(NAME_MAX - 1)}e\u0301\u0302`);
    assert.equal(accents, 'a'.repeat(NAME_MAX - 1));
    for (const s of [cut, accents, cleanName('😀'.repeat(5000))]) assert.equal(checkName(s).ok, true);
  });

  test('printable shows control characters and lone surrogates as escapes', () => {
    assert.equal(printable('\u001b[2JEve'), '\\x1b[2JEve');
    assert.equal(printable('a\u0000b\u009bc\u2028d\ud800'), 'a\\x00b\\x9bc\\u2028d\\ud800');
    assert.equal(printable('Zoë 👩‍👩‍👧 王'), 'Zoë 👩‍👩‍👧 王');
    assert.doesNotMatch(printable('\u0007\u001b\u007f\u0085'), /\p{Cc}/u);
  });
});
