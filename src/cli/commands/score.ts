import fs from 'node:fs';
import type { Command } from 'commander';
import type { BleuSmoothing } from '../../metrics/bleu/bleu.js';
import { BLEU_TOKENIZERS, type BleuTokenizerName } from '../../metrics/bleu/tokenizers.js';
import type { RougeType } from '../../metrics/rouge/rouge.js';
import { UsageError, floatArg, intArg } from '../usage.js';
import { corpusReport, sentenceReport } from './score_report.js';

export interface ScoreFlags {
  hyps: string;
  refs: string[];
  json?: boolean;
  lowercase?: boolean;
  tokenize?: BleuTokenizerName;
  smooth?: BleuSmoothing;
  charOrder?: number;
  wordOrder?: number;
  beta?: number;
  stem?: boolean;
  types?: RougeType[];
  rougeTokenizer?: 'default' | 'cjk';
  bootstrap?: number;
  sentenceLevel?: boolean;
}

const METRICS = ['bleu', 'chrf', 'rouge'] as const;
export type Metric = (typeof METRICS)[number];

/** Which metric each metric-specific flag belongs to (a flag given to another metric is a usage error). */
const FLAG_OWNERS: [keyof ScoreFlags, string, Metric[]][] = [
  ['lowercase', '--lowercase', ['bleu', 'chrf']],
  ['tokenize', '--tokenize', ['bleu']],
  ['smooth', '--smooth', ['bleu']],
  ['charOrder', '--char-order', ['chrf']],
  ['wordOrder', '--word-order', ['chrf']],
  ['beta', '--beta', ['chrf']],
  ['stem', '--stem', ['rouge']],
  ['types', '--types', ['rouge']],
  ['rougeTokenizer', '--rouge-tokenizer', ['rouge']],
  ['bootstrap', '--bootstrap', ['rouge']],
];

const oneOf = <T extends string>(flag: string, allowed: readonly T[]) => (v: string): T => {
  if (!allowed.includes(v as T)) throw new UsageError(`${flag} expects one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
};

const rougeTypes = (v: string): RougeType[] => {
  const types = v.split(',').map((t) => t.trim()).filter(Boolean);
  const bad = types.find((t) => !/^rouge([1-9]|L|Lsum)$/.test(t));
  if (types.length === 0 || bad !== undefined) throw new UsageError(`--types expects a comma-separated list of rouge1..rouge9, rougeL, rougeLsum, got "${v}"`);
  return types as RougeType[];
};

/** The lines of a text file: \n or \r\n ends a line (a lone \r is a character, as in sacreBLEU); no final empty line. */
export function readLines(file: string, flag: string): string[] {
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new UsageError(`${flag}: no such file ${file}`);
  const text = fs.readFileSync(file, 'utf8');
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function register(program: Command): void {
  program.command('score <metric>')
    .description('Score hypotheses against references, one segment per line: bleu (sacreBLEU-compatible), chrf (chrF / chrF++), rouge (as rouge-score).')
    .requiredOption('--hyps <file>', 'hypotheses, one per line')
    .requiredOption('--refs <files...>', 'reference files (one per reference stream), each with as many lines as --hyps')
    .option('--json', 'print the result as one JSON line')
    .option('--lowercase', 'bleu, chrf: lower-case hypotheses and references')
    .option('--tokenize <name>', `bleu: ${BLEU_TOKENIZERS.join(' | ')} (default 13a; zh for Chinese)`, oneOf('--tokenize', BLEU_TOKENIZERS))
    .option('--smooth <method>', 'bleu: exp | floor | add-k | none (default exp)', oneOf<BleuSmoothing>('--smooth', ['exp', 'floor', 'add-k', 'none']))
    .option('--char-order <n>', 'chrf: character n-gram order (default 6)', intArg('--char-order', 0))
    .option('--word-order <n>', 'chrf: word n-gram order (default 0; 2 = chrF++)', intArg('--word-order', 0))
    .option('--beta <b>', 'chrf: recall weight (default 2)', floatArg('--beta', 0))
    .option('--stem', 'rouge: Porter-stem words longer than 3 letters')
    .option('--types <list>', 'rouge: comma-separated rouge1..rouge9, rougeL, rougeLsum (default rouge1,rouge2,rougeL,rougeLsum)', rougeTypes)
    .option('--rouge-tokenizer <name>', 'rouge: default (rouge-score: [a-z0-9] only) | cjk (also each CJK character a token)', oneOf('--rouge-tokenizer', ['default', 'cjk'] as const))
    .option('--bootstrap <n>', 'rouge: also a 95% interval from n bootstrap resamples (as rouge-score\'s BootstrapAggregator)', intArg('--bootstrap', 1))
    .option('--sentence-level', 'one score per line (sentence BLEU with effective order, sentence chrF, per-segment ROUGE)')
    .action((metricArg: string, flags: ScoreFlags) => {
      const metric = oneOf('score: metric', METRICS)(metricArg);
      for (const [key, flag, owners] of FLAG_OWNERS) {
        if (flags[key] !== undefined && !owners.includes(metric)) throw new UsageError(`${flag} applies to ${owners.join(' and ')}, not ${metric}`);
      }
      const hyps = readLines(flags.hyps, '--hyps');
      const refs = flags.refs.map((file) => {
        const lines = readLines(file, '--refs');
        if (lines.length !== hyps.length) throw new UsageError(`--refs: ${file} has ${lines.length} lines, but --hyps ${flags.hyps} has ${hyps.length}`);
        return lines;
      });
      if (hyps.length === 0) throw new UsageError(`--hyps: ${flags.hyps} has no lines`);
      if (flags.sentenceLevel && flags.bootstrap !== undefined) throw new UsageError('--bootstrap applies to corpus scores, not --sentence-level');
      const report = flags.sentenceLevel ? sentenceReport(metric, hyps, refs, flags) : [corpusReport(metric, hyps, refs, flags)];
      process.stdout.write(`${report.join('\n')}\n`);
    });
}
