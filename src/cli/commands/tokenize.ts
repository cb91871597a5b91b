import fs from 'node:fs';
import type { Command } from 'commander';
import { fail } from '../../errors.js';
import { Tokenizer } from '../../tokenizers/tokenizer.js';
import { UsageError } from '../usage.js';

interface TokenizeFlags {
  tokenizer: string;
  jsonl?: string;
  text?: string;
  out?: string;
  specialTokens: boolean;
}

/** The `text` of each JSON line of a file (blank lines skipped), or an error naming the line. */
export function readJsonlTexts(file: string): string[] {
  const texts: string[] = [];
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch (e) {
        fail('InvalidFile', `${file}: line ${i + 1}: not valid JSON (${(e as Error).message})`);
      }
      const text = (obj as { text?: unknown } | null)?.text;
      if (typeof text !== 'string') fail('InvalidFile', `${file}: line ${i + 1}: expected an object with a string field "text", got ${JSON.stringify(obj).slice(0, 80)}`);
      texts.push(text);
    });
  return texts;
}

export function register(program: Command): void {
  program
    .command('tokenize')
    .description('encode texts with a tokenizer: one JSON line {"ids": [...], "tokens": [...]} per input')
    .requiredOption('--tokenizer <dir>', 'folder with tokenizer.json, vocab.json + merges.txt, or vocab.txt (or a tokenizer.json file)')
    .option('--jsonl <file>', 'JSON lines, each with a "text" field')
    .option('--text <text>', 'a single text to encode')
    .option('--out <file>', 'write the JSON lines here instead of stdout')
    .option('--no-special-tokens', "do not add the tokenizer's special tokens ([CLS]/[SEP] for BERT)")
    .action((flags: TokenizeFlags) => {
      if ((flags.jsonl === undefined) === (flags.text === undefined)) throw new UsageError('tokenize: give exactly one of --jsonl FILE or --text TEXT');
      if (!fs.existsSync(flags.tokenizer)) throw new UsageError(`--tokenizer: ${flags.tokenizer} does not exist`);
      const tokenizer = fs.statSync(flags.tokenizer).isDirectory() ? Tokenizer.fromPretrained(flags.tokenizer) : Tokenizer.fromFile(flags.tokenizer);
      const texts = flags.jsonl !== undefined ? readJsonlTexts(flags.jsonl) : [flags.text!];
      const lines = texts.map((t) => {
        const e = tokenizer.encode(t, null, { addSpecialTokens: flags.specialTokens });
        return JSON.stringify({ ids: e.ids, tokens: e.tokens });
      });
      const out = lines.length ? `${lines.join('\n')}\n` : '';
      if (flags.out) fs.writeFileSync(flags.out, out);
      else process.stdout.write(out);
    });
}
