import fs from 'node:fs';
import { padSequences } from '../../data/collate.js';
import type { Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Tokenizer } from '../../tokenizers/tokenizer.js';
import type { Split, SplitBatchSource } from '../../train/types.js';
import { UsageError } from '../usage.js';

/** The lines of a text file (\n or \r\n), without a final empty line. */
export function readLines(file: string, flag: string): string[] {
  if (!fs.existsSync(file)) throw new UsageError(`${flag}: no such file ${file}`);
  const lines = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Source and target lines of two aligned files. */
export function readParallel(srcFile: string, tgtFile: string, srcFlag: string, tgtFlag: string): { src: string[]; tgt: string[] } {
  const src = readLines(srcFile, srcFlag);
  const tgt = readLines(tgtFile, tgtFlag);
  if (src.length !== tgt.length) throw new UsageError(`${srcFlag} and ${tgtFlag} must have as many lines, got ${src.length} and ${tgt.length}`);
  if (src.length === 0) throw new UsageError(`${srcFlag}: ${srcFile} is empty`);
  return { src, tgt };
}

export interface EncodedPair {
  /** Source tokens then EOS. */
  src: number[];
  /** Target tokens (no BOS/EOS). */
  tgt: number[];
}

/** Encodes pairs without special tokens, each side cut to `maxTokens`; the source gets EOS. */
export function encodePairs(src: string[], tgt: string[], tok: Tokenizer, target: Tokenizer, eos: number, maxTokens: number): EncodedPair[] {
  return src.map((s, i) => ({
    src: [...tok.encodeIds(s, { addSpecialTokens: false }).slice(0, maxTokens), eos],
    tgt: target.encodeIds(tgt[i], { addSpecialTokens: false }).slice(0, maxTokens),
  }));
}

export interface Seq2SeqBatch {
  src: Tensor;
  tgtIn: Tensor;
  tgtOut: Tensor;
}

/** src (B, S), tgtIn = BOS + target, tgtOut = target + EOS, right-padded with `pad`. */
export function collateSeq2Seq(pairs: readonly EncodedPair[], ids: { pad: number; bos: number; eos: number }): Seq2SeqBatch {
  const pad = { padId: ids.pad };
  return {
    src: padSequences(pairs.map((p) => Int32Array.from(p.src)), pad).ids,
    tgtIn: padSequences(pairs.map((p) => Int32Array.from([ids.bos, ...p.tgt])), pad).ids,
    tgtOut: padSequences(pairs.map((p) => Int32Array.from([...p.tgt, ids.eos])), pad).ids,
  };
}

/**
 * Training batches are random windows of `batchSize` pairs in a list sorted by length (so a batch's
 * rows have similar lengths and little padding); validation batches go through the validation pairs in
 * order, round and round.
 */
export class LengthBucketedBatches implements SplitBatchSource<Seq2SeqBatch> {
  private readonly sorted: EncodedPair[];
  private valAt = 0;

  constructor(train: EncodedPair[], private readonly val: EncodedPair[], private readonly batchSize: number,
    private readonly ids: { pad: number; bos: number; eos: number }, private readonly generator: Generator) {
    this.sorted = train.slice().sort((a, b) => a.tgt.length - b.tgt.length || a.src.length - b.src.length);
  }

  nextBatch(split: Split): Seq2SeqBatch {
    if (split === 'train') {
      const start = Math.floor(this.generator.random() * Math.max(1, this.sorted.length - this.batchSize + 1));
      return collateSeq2Seq(this.sorted.slice(start, start + this.batchSize), this.ids);
    }
    const rows = this.val.slice(this.valAt, this.valAt + this.batchSize);
    this.valAt = this.valAt + this.batchSize >= this.val.length ? 0 : this.valAt + this.batchSize;
    return collateSeq2Seq(rows, this.ids);
  }

  /** Where validation batches have got to (the training draws' generator is checkpointed by the Trainer). */
  stateDict(): unknown {
    return { valAt: this.valAt };
  }

  loadStateDict(state: unknown): void {
    const valAt = (state as { valAt?: unknown })?.valAt;
    if (!Number.isInteger(valAt) || (valAt as number) < 0 || (valAt as number) > Math.max(0, this.val.length - 1)) {
      throw new UsageError(`--resume: the checkpoint's validation position does not fit these ${this.val.length} validation pairs; resume with the data it was trained on`);
    }
    this.valAt = valAt as number;
  }
}
