import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LmkitError } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { loadModelWeights, modelWeightFiles, readShardIndex } from './model-files.js';
import { saveSafetensors } from './safetensors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-model-files-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function dirWith(files: Record<string, string | Record<string, ReturnType<typeof tensor>>>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'm-'));
  for (const [name, content] of Object.entries(files)) {
    if (typeof content === 'string') fs.writeFileSync(path.join(dir, name), content);
    else saveSafetensors(path.join(dir, name), content, { format: name });
  }
  return dir;
}

test('a single model.safetensors is the whole checkpoint', () => {
  const dir = dirWith({ 'model.safetensors': { w: tensor([1, 2]) } });
  assert.deepEqual(modelWeightFiles(dir), [path.join(dir, 'model.safetensors')]);
  const loaded = loadModelWeights(dir);
  assert.deepEqual(loaded.tensors.get('w')!.tolist(), [1, 2]);
  assert.deepEqual(loaded.metadata, { format: 'model.safetensors' });
});

test('sharded checkpoints load through their index', () => {
  const index = { weight_map: { a: 'b.safetensors', b: 'b.safetensors', c: 'a.safetensors' } };
  const dir = dirWith({ 'model.safetensors.index.json': JSON.stringify(index), 'a.safetensors': { c: tensor([3]) }, 'b.safetensors': { a: tensor([1]), b: tensor([2]) } });
  assert.deepEqual(readShardIndex(path.join(dir, 'model.safetensors.index.json')), ['a.safetensors', 'b.safetensors']);
  const loaded = loadModelWeights(dir);
  assert.deepEqual([...loaded.tensors.keys()].sort(), ['a', 'b', 'c']);
  assert.equal(modelWeightFiles(tmp), null);
});

test('bad indexes and duplicated tensors are refused', () => {
  const bad = (index: string) => path.join(dirWith({ 'model.safetensors.index.json': index }), 'model.safetensors.index.json');
  const isInvalid = (pattern: RegExp) => (e: unknown) => e instanceof LmkitError && e.code === 'InvalidFile' && pattern.test(e.message);
  assert.throws(() => readShardIndex(bad('{')), isInvalid(/not valid JSON/));
  assert.throws(() => readShardIndex(bad('{"weight_map": []}')), isInvalid(/expected a "weight_map" object/));
  assert.throws(() => readShardIndex(bad('{"weight_map": {"w": "../x.safetensors"}}')), isInvalid(/weight_map entry "w" names an invalid file "..\/x.safetensors"/));
  const index = { weight_map: { a: 'a.safetensors', b: 'b.safetensors' } };
  const dup = dirWith({ 'model.safetensors.index.json': JSON.stringify(index), 'a.safetensors': { a: tensor([1]) }, 'b.safetensors': { a: tensor([1]), b: tensor([2]) } });
  assert.throws(() => loadModelWeights(dup), isInvalid(/b\.safetensors: tensor "a" also appears in another shard/));
  assert.throws(() => loadModelWeights(tmp), (e: unknown) => e instanceof LmkitError && e.code === 'InvalidArgument');
});
