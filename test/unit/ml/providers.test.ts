import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseProviders, parseProviderList, threadsPerWorker } from '../../../ml/models/providers.ts';

const cpuOnly = [{ name: 'cpu', bundled: true }];
const linuxCuda = [
  { name: 'cpu', bundled: true },
  { name: 'cuda', bundled: true },
];
const linuxNoCudaLibs = [
  { name: 'cpu', bundled: true },
  { name: 'cuda', bundled: false },
];
const windows = [
  { name: 'cpu', bundled: true },
  { name: 'dml', bundled: true },
];

test('CPU-only runtime gives CPU on every platform', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    assert.deepEqual(chooseProviders({ platform, available: cpuOnly }), ['cpu']);
  }
});

test('CUDA first on Linux when the runtime has it, CPU kept as fallback', () => {
  assert.deepEqual(chooseProviders({ platform: 'linux', available: linuxCuda }), ['cuda', 'cpu']);
});

test('CUDA reported but not installed is skipped unless asked for', () => {
  assert.deepEqual(chooseProviders({ platform: 'linux', available: linuxNoCudaLibs }), ['cpu']);
  assert.deepEqual(chooseProviders({ platform: 'linux', available: linuxNoCudaLibs, requested: ['cuda'] }), [
    'cuda',
    'cpu',
  ]);
});

test('DirectML on Windows, CoreML on macOS', () => {
  assert.deepEqual(chooseProviders({ platform: 'win32', available: windows }), ['dml', 'cpu']);
  const mac = [
    { name: 'cpu', bundled: true },
    { name: 'coreml', bundled: true },
  ];
  assert.deepEqual(chooseProviders({ platform: 'darwin', available: mac }), ['coreml', 'cpu']);
  assert.deepEqual(chooseProviders({ platform: 'linux', available: mac }), ['cpu']);
});

test('an explicit list overrides the platform preference', () => {
  assert.deepEqual(chooseProviders({ platform: 'win32', available: windows, requested: ['cpu'] }), ['cpu']);
});

test('parseProviderList accepts known names and rejects typos', () => {
  assert.deepEqual(parseProviderList(' CUDA, cpu '), ['cuda', 'cpu']);
  assert.throws(() => parseProviderList('cuda,gpu'), /Unknown execution provider "gpu"/);
});

test('threadsPerWorker splits cores without oversubscribing', () => {
  assert.equal(threadsPerWorker(2, 2), 1);
  assert.equal(threadsPerWorker(16, 2), 8);
  assert.equal(threadsPerWorker(2, 4), 1);
});
