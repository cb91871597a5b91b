import type { LanguageModel } from '../../models/auto.js';
import type { Tokenizer } from '../../tokenizers/tokenizer.js';
import { noGrad } from '../../autograd/graph.js';

/** Streams a sampled continuation of `prompt` (default: a newline) to stdout. */
export async function printSample(model: LanguageModel, tokenizer: Tokenizer, opts: { prompt?: string; maxNewTokens: number; seed: number }): Promise<void> {
  model.eval();
  const prompt = opts.prompt ?? '\n';
  const ids = tokenizer.encodeIds(prompt, { addSpecialTokens: false });
  process.stdout.write('--- sample ---\n');
  await noGrad(async () => {
    const stream = model.generateStream([ids.length > 0 ? ids : [0]], {
      maxNewTokens: opts.maxNewTokens, doSample: true, temperature: 0.8, topK: 200, seed: opts.seed, tokenizer,
    });
    process.stdout.write(prompt);
    for await (const chunk of stream) process.stdout.write(chunk.text);
  });
  process.stdout.write('\n');
}
