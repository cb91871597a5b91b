import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../../errors.js';
import { repoRoot, sharedDir } from '../../testing/shared.js';
import { Tokenizer } from '../../tokenizers/tokenizer.js';
import { lmkitVersion, peakRssMb, round, timed } from '../measure.js';
import type { BenchRecord, BenchSuite } from '../types.js';

/** An encoder under test: `make` builds a fresh instance (untimed), `encode` is timed. */
interface Contender {
  impl: string;
  make: () => { encode: (text: string) => ArrayLike<number>; free?: () => void };
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function peerContenders(log: (m: string) => void): Promise<Contender[]> {
  const out: Contender[] = [];
  try {
    const { getEncoding } = await import('js-tiktoken');
    out.push({ impl: `js-tiktoken-${packageVersion('js-tiktoken')}`, make: () => getEncoding('gpt2') });
  } catch (e) {
    log(`tokenize: js-tiktoken unavailable (${(e as Error).message})`);
  }
  try {
    const { get_encoding } = await import('tiktoken');
    out.push({
      impl: `tiktoken-${packageVersion('tiktoken')}-wasm`,
      make: () => {
        const enc = get_encoding('gpt2');
        return { encode: (t: string) => enc.encode(t), free: () => enc.free() };
      },
    });
  } catch (e) {
    log(`tokenize: tiktoken unavailable (${(e as Error).message})`);
  }
  return out;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (x: number, i: number) => x === b[i]);

/**
 * GPT-2 encoding of tiny Shakespeare (1.1 MB), MB/s of UTF-8 input, lmkit beside js-tiktoken and tiktoken
 * (WASM) in the same process. `mb_per_s` is the median of 3 runs after a warm-up on one instance (caches
 * warm, as in a long-running process); `cold_mb_per_s` is a fresh instance's first call. lmkit's figure
 * is `encodeIds` (ids only, as the peers return); `encode_mb_per_s` is the full `encode` with tokens and
 * offsets. Every implementation's ids are checked against the first's.
 */
export const tokenize: BenchSuite = {
  name: 'tokenize',
  figure: { field: 'mb_per_s', higherIsBetter: true },
  extraFigures: ['cold_mb_per_s', 'encode_mb_per_s'],
  async run({ quick, peers, log }) {
    const shared = sharedDir();
    if (!shared) fail('InvalidArgument', 'tokenize bench: shared folder not found (set LMKIT_SHARED)');
    const text = fs.readFileSync(path.join(shared, 'data', 'tinyshakespeare', 'input.txt'), 'utf8');
    const mb = Buffer.byteLength(text, 'utf8') / 1e6;
    const gpt2Dir = path.join(shared, 'fixtures', 'tokenizers', 'gpt2');
    const contenders: Contender[] = [
      {
        impl: `lmkit-${lmkitVersion()}`,
        make: () => {
          const t = Tokenizer.fromPretrained(gpt2Dir);
          return { encode: (s: string) => t.encodeIds(s, { addSpecialTokens: false }) };
        },
      },
    ];
    if (peers) contenders.push(...(await peerContenders(log)));
    const reps = quick ? 1 : 3;
    const records: BenchRecord[] = [];
    let reference: ArrayLike<number> | null = null;
    for (const c of contenders) {
      log(`tokenize: ${c.impl}`);
      let cold = Infinity;
      for (let k = 0; k < (quick ? 1 : 2); k++) {
        const fresh = c.make();
        const t0 = performance.now();
        fresh.encode(text);
        cold = Math.min(cold, (performance.now() - t0) / 1000);
        fresh.free?.();
      }
      const enc = c.make();
      let ids: ArrayLike<number> = [];
      const { median } = timed(() => {
        ids = enc.encode(text);
      }, 1, reps);
      enc.free?.();
      reference ??= ids;
      const record: BenchRecord = {
        bench: 'tokenize',
        impl: c.impl,
        threads: 1,
        mb_per_s: round(mb / median, 2),
        cold_mb_per_s: round(mb / cold, 2),
        tokens: ids.length,
        verified: same(ids, reference),
        peak_rss_mb: peakRssMb(),
      };
      if (c.impl.startsWith('lmkit')) {
        const full = Tokenizer.fromPretrained(gpt2Dir);
        full.encode(text);
        const t = timed(() => full.encode(text, null, { addSpecialTokens: false }), 0, reps);
        record.encode_mb_per_s = round(mb / t.median, 2);
      }
      records.push(record);
    }
    return records;
  },
};
