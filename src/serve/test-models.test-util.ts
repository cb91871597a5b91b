/** Small models for the server's tests: a random tiny GPT and deterministic "cycle" models. */
import { TableModel } from '../generation/toy-model.test-util.js';
import { GPT } from '../models/gpt.js';
import { Generator } from '../tensor/random.js';
import { BYTE_TO_CHAR } from '../tokenizers/byte_level_alphabet.js';
import { BPE } from '../tokenizers/models/bpe.js';
import { CharLevel } from '../tokenizers/models/char_level.js';
import { byteLevelBpeTokenizer, charTokenizer } from '../tokenizers/presets.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';
import type { ServedModel } from './served-model.js';

export const CHARS = [...'\n !,.?abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ人生在世须尽欢莫使金樽空对月天我材必有用千散还复来，。你好界'];

export function charTok(): Tokenizer {
  return charTokenizer(new CharLevel(new Map(CHARS.map((c, i) => [c, i]))));
}

/** A 1-layer GPT with random weights over CHARS (context 64). */
export function tinyGpt(): GPT {
  const model = new GPT({ vocabSize: CHARS.length, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 16 }, { generator: new Generator(7) });
  model.eval();
  return model;
}

/** A model whose next token is `next(t)` almost surely (p = 0.99); logged calls show how far it ran. */
function cycleTable(V: number, next: (t: number) => number): TableModel {
  const table = Array.from({ length: V }, (_, t) => {
    const row = new Array<number>(V).fill(0.01 / (V - 1));
    row[next(t)] = 0.99;
    return row;
  });
  return new TableModel(table);
}

/** Over CHARS: a → b → c → a (others go to a): greedy "abc" cycles. */
export function abcModel(): TableModel {
  const id = (c: string) => CHARS.indexOf(c);
  const next: Record<number, number> = { [id('a')]: id('b'), [id('b')]: id('c'), [id('c')]: id('a') };
  return cycleTable(CHARS.length, (t) => next[t] ?? id('a'));
}

/** A byte-level tokenizer with only the 256 single bytes (so 世 is three tokens). */
export function byteTok(): Tokenizer {
  const vocab = new Map<string, number>();
  for (let b = 0; b < 256; b++) vocab.set(BYTE_TO_CHAR[b], b);
  return byteLevelBpeTokenizer(new BPE(vocab, []), []);
}

/** Over bytes: cycles through the UTF-8 bytes of "世界" (E4 B8 96 E7 95 8C); any other byte starts it. */
export function worldModel(): TableModel {
  const cycle = [...new TextEncoder().encode('世界')];
  return cycleTable(256, (t) => {
    const at = cycle.indexOf(t);
    return at < 0 ? cycle[0] : cycle[(at + 1) % cycle.length];
  });
}

export function served(name: string, model: ServedModel['model'], tokenizer: Tokenizer): ServedModel {
  return { name, model, tokenizer, chatTemplate: null, created: 1700000000 };
}
