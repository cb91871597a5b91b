import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { Generator } from '../tensor/random.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { trainCharTokenizer } from '../tokenizers/trainers/char.js';
import { trainWordTokenizer } from '../tokenizers/trainers/word.js';
import { collatePairs, padSequences } from './collate.js';
import { DataLoader } from './dataloader.js';
import type { Dataset } from './dataset.js';
import { parallelTextDataset, tsvDataset } from './text_pairs.js';
import { writeTokenFile } from './token_file.js';
import { stackWindows, TokenStreamDataset } from './token_stream.js';

const shared = sharedDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-data-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const numbers = (n: number): Dataset<number> => ({ length: n, get: (i) => i });
const ids = (t: { data: ArrayLike<number> }) => Array.from(t.data);

test('padSequences: right and left padding with attention masks', () => {
  const r = padSequences([[1, 2, 3], [4]], { padId: 9 });
  assert.deepEqual(r.ids.shape, [2, 3]);
  assert.equal(r.ids.dtype, 'int32');
  assert.deepEqual(ids(r.ids), [1, 2, 3, 4, 9, 9]);
  assert.deepEqual(ids(r.mask), [1, 1, 1, 1, 0, 0]);
  const l = padSequences([[1, 2, 3], [4]], { side: 'left' });
  assert.deepEqual(ids(l.ids), [1, 2, 3, 0, 0, 4]);
  assert.deepEqual(ids(l.mask), [1, 1, 1, 0, 0, 1]);
  const fixed = padSequences([[1, 2, 3]], { length: 2 });
  assert.deepEqual(ids(fixed.ids), [1, 2]);
});

test('DataLoader: batches, seeded shuffling, determinism, epochs', () => {
  const plain = new DataLoader(numbers(10), { batchSize: 4, collate: (x) => x });
  assert.deepEqual([...plain], [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.equal(plain.epoch, 1);
  const dropped = new DataLoader(numbers(10), { batchSize: 4, collate: (x) => x, dropLast: true });
  assert.deepEqual([...dropped], [[0, 1, 2, 3], [4, 5, 6, 7]]);

  const mk = (seed: number) => new DataLoader(numbers(20), { batchSize: 5, collate: (x) => x, shuffle: true, seed });
  const a = [...mk(3)];
  assert.deepEqual([...mk(3)], a);
  assert.notDeepEqual([...mk(4)], a);
  assert.deepEqual(a.flat().sort((x, y) => x - y), [...Array(20).keys()]);
  const loader = mk(3);
  const e0 = [...loader];
  const e1 = [...loader];
  assert.deepEqual(e0, a);
  assert.notDeepEqual(e1, e0);
});

test('DataLoader: state() / loadState() resume the exact batch sequence mid-epoch', () => {
  const mk = () => new DataLoader(numbers(23), { batchSize: 4, collate: (x) => x, shuffle: true, seed: 7 });
  const ref = mk();
  const expected = Array.from({ length: 15 }, () => ref.next());
  const first = mk();
  for (let i = 0; i < 9; i++) first.next();
  const state = JSON.parse(JSON.stringify(first.state()));
  assert.equal(state.epoch, 1);
  assert.equal(state.position, 3);
  const resumed = mk();
  resumed.loadState(state);
  assert.deepEqual(Array.from({ length: 6 }, () => resumed.next()), expected.slice(9));
});

test('DataLoader: bucketing by length groups similar lengths and pads little', () => {
  const g = new Generator(5);
  const seqs = Array.from({ length: 200 }, () => Array.from({ length: g.randint(1, 60) }, () => 1));
  const ds: Dataset<number[]> = { length: seqs.length, get: (i) => seqs[i] };
  const collate = (items: number[][]) => padSequences(items);
  const bucketed = new DataLoader(ds, { batchSize: 8, collate, shuffle: true, seed: 1, lengthOf: (s) => s.length });
  const unbucketed = new DataLoader(ds, { batchSize: 8, collate, shuffle: true, seed: 1 });
  const padding = (l: DataLoader<number[], ReturnType<typeof padSequences>>) => {
    let pad = 0;
    for (const b of l) pad += ids(b.mask).filter((m) => m === 0).length;
    return pad;
  };
  const pb = padding(bucketed);
  assert.ok(pb < padding(unbucketed) / 4, `bucketing should cut padding, got ${pb}`);
  const again = new DataLoader(ds, { batchSize: 8, collate: (x) => x.map((s) => s.length), shuffle: true, seed: 1, lengthOf: (s) => s.length });
  const again2 = new DataLoader(ds, { batchSize: 8, collate: (x) => x.map((s) => s.length), shuffle: true, seed: 1, lengthOf: (s) => s.length });
  assert.deepEqual([...again], [...again2]);
});

test('TokenStreamDataset: seeded random windows shifted by one, sequential windows for evaluation', () => {
  const tokens = Uint16Array.from({ length: 100 }, (_, i) => i);
  const file = path.join(tmp, 'stream.bin');
  writeTokenFile(file, tokens, 100);
  const ds = TokenStreamDataset.fromFile(file, 8);
  assert.equal(ds.length, 12);
  const b1 = ds.sampleBatch(4, new Generator(0));
  const b2 = ds.sampleBatch(4, new Generator(0));
  assert.deepEqual(b1.x.shape, [4, 8]);
  assert.equal(b1.x.dtype, 'int32');
  assert.deepEqual(ids(b1.x), ids(b2.x));
  const x = ids(b1.x);
  const y = ids(b1.y);
  for (let i = 0; i < x.length; i++) assert.equal(y[i], x[i] + 1);
  for (let b = 0; b < 4; b++) assert.ok(x[b * 8] <= 100 - 9);
  const seq = [...ds.sequentialBatches(5)];
  assert.deepEqual(
    seq.map((s) => s.x.shape),
    [
      [5, 8],
      [5, 8],
      [2, 8],
    ],
  );
  assert.deepEqual(ids(seq[1].x).slice(0, 3), [40, 41, 42]);
  const loader = new DataLoader(ds, { batchSize: 3, collate: stackWindows });
  assert.deepEqual(loader.next().y.shape, [3, 8]);
  assert.throws(() => new TokenStreamDataset([1, 2], 2), /a window needs 3 tokens, the stream has 2/);
});

test('parallel (translation) and TSV (summarization) datasets collate into padded pairs', { skip: shared ? false : SHARED_MISSING }, () => {
  const data = path.join(shared!, 'data');
  const en = fs.readFileSync(path.join(data, 'multi30k', 'val.en'), 'utf8');
  const tok = trainWordTokenizer(en + fs.readFileSync(path.join(data, 'multi30k', 'val.de'), 'utf8'), { specialTokens: ['[PAD]', '[UNK]'] });
  const ds = parallelTextDataset(path.join(data, 'multi30k', 'val.en'), path.join(data, 'multi30k', 'val.de'), tok);
  assert.equal(ds.length, 1014);
  assert.equal(tok.decode(ds.get(0).source), en.split('\n')[0].replace(/([.,])/g, ' $1').replace(/\s+/g, ' ').trim());
  const loader = new DataLoader(ds, { batchSize: 16, collate: collatePairs(0), shuffle: true, seed: 2, lengthOf: (p) => p.source.length });
  let seen = 0;
  for (const batch of loader) {
    assert.ok(batch.source.shape[0] <= 16);
    seen += batch.source.shape[0];
    assert.deepEqual(batch.sourceMask.shape, batch.source.shape);
    assert.deepEqual(batch.targetMask.shape, batch.target.shape);
  }
  assert.equal(seen, 1014);

  const bad = path.join(tmp, 'short.de');
  fs.writeFileSync(bad, 'eins\nzwei\n');
  assert.throws(() => parallelTextDataset(path.join(data, 'multi30k', 'val.en'), bad, tok), /has 1014, .*short\.de has 2/);

  const chars = trainCharTokenizer(fs.readFileSync(path.join(data, 'debian-descriptions', 'val.tsv'), 'utf8'), { unkToken: '[UNK]' });
  const tsv = tsvDataset(path.join(data, 'debian-descriptions', 'val.tsv'), { source: 2, target: 1 }, chars, { maxLength: 256 });
  assert.equal(tsv.length, 1206);
  assert.ok(tsv.get(0).source.length <= 256);
  const badTsv = path.join(tmp, 'bad.tsv');
  fs.writeFileSync(badTsv, 'a\tb\tc\nonly one column\n');
  assert.throws(() => tsvDataset(badTsv, { source: 2, target: 1 }, chars), /bad\.tsv: line 2: expected at least 3 tab-separated columns, got 1/);
});
