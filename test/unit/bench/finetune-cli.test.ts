import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchFinetuneCommand } from '../../../bench/cli/bench-finetune.ts';
import { UsageError } from '../../../electron/cli/args.ts';

test('bench finetune --degrade is checked and applies only to --data', async () => {
  await assert.rejects(
    benchFinetuneCommand(['--embeddings', 'faces.emb', '--degrade', 'scale=0.5,quality=20']),
    (e: unknown) => e instanceof UsageError && /applies to --data/.test(e.message),
  );
  await assert.rejects(
    benchFinetuneCommand(['--data', '.', '--degrade', 'scale=2']),
    (e: unknown) => e instanceof UsageError && /scale must be in/.test(e.message),
  );
});
