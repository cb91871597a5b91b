import { corpusBleu, sentenceBleu, type BleuOptions, type BleuResult } from '../../metrics/bleu/bleu.js';
import { corpusChrf, sentenceChrf, type ChrfOptions, type ChrfResult } from '../../metrics/bleu/chrf.js';
import { bootstrapRouge } from '../../metrics/rouge/bootstrap.js';
import { corpusRouge, sentenceRouge, type RougeOptions, type RougeType } from '../../metrics/rouge/rouge.js';
import type { Metric, ScoreFlags } from './score.js';

const bleuOptions = (flags: ScoreFlags): BleuOptions => ({ tokenize: flags.tokenize, lowercase: flags.lowercase, smooth: flags.smooth });
const chrfOptions = (flags: ScoreFlags): ChrfOptions => ({ charOrder: flags.charOrder, wordOrder: flags.wordOrder, beta: flags.beta, lowercase: flags.lowercase });
const rougeOptions = (flags: ScoreFlags) => ({ types: flags.types, stem: flags.stem ?? false, tokenizer: flags.rougeTokenizer ?? 'default' }) satisfies RougeOptions;

/** sacreBLEU's text form ("BLEU|signature = 35.12 66.7/…") or a JSON line with its fields. */
function bleuLine(r: BleuResult, json?: boolean): string {
  if (!json) return r.formatted.replace(/^BLEU/, `BLEU|${r.signature}`);
  return JSON.stringify({
    name: 'BLEU', score: r.score, signature: r.signature, formatted: r.formatted, counts: r.counts, totals: r.totals,
    precisions: r.precisions, bp: r.bp, sys_len: r.sysLen, ref_len: r.refLen, ratio: r.ratio,
  });
}

function chrfLine(r: ChrfResult, json?: boolean): string {
  if (!json) return r.formatted.replace(/^(\S+)/, `$1|${r.signature}`);
  return JSON.stringify({ name: r.name, score: r.score, signature: r.signature, formatted: r.formatted });
}

/** One line per segment: sentence BLEU (effective order, as sacreBLEU --sentence-level), sentence chrF, or ROUGE. */
export function sentenceReport(metric: Metric, hyps: string[], refs: string[][], flags: ScoreFlags): string[] {
  return hyps.map((hyp, i) => {
    const segmentRefs = refs.map((stream) => stream[i]);
    if (metric === 'bleu') return bleuLine(sentenceBleu(hyp, segmentRefs, bleuOptions(flags)), flags.json);
    if (metric === 'chrf') return chrfLine(sentenceChrf(hyp, segmentRefs, chrfOptions(flags)), flags.json);
    const scores = sentenceRouge(hyp, segmentRefs, rougeOptions(flags));
    if (flags.json) return JSON.stringify(scores);
    return Object.entries(scores).map(([type, s]) => `${type} ${s.fmeasure.toFixed(4)}`).join('  ');
  });
}

/** The corpus score: sacreBLEU's text form ("BLEU|signature = score ..."), ROUGE's table, or one JSON line. */
export function corpusReport(metric: Metric, hyps: string[], refs: string[][], flags: ScoreFlags): string {
  if (metric === 'bleu') return bleuLine(corpusBleu(hyps, refs, bleuOptions(flags)), flags.json);
  if (metric === 'chrf') return chrfLine(corpusChrf(hyps, refs, chrfOptions(flags)), flags.json);
  const opts = rougeOptions(flags);
  const { scores, segments } = corpusRouge(hyps, refs, opts);
  const intervals = flags.bootstrap ? bootstrapRouge(segments, { samples: flags.bootstrap }) : undefined;
  if (flags.json) return JSON.stringify({ ...scores, tokenizer: opts.tokenizer, stem: opts.stem, segments: hyps.length, ...(intervals ? { bootstrap: intervals } : {}) });
  const f = (x: number) => x.toFixed(4);
  return Object.entries(scores)
    .map(([type, s]) => {
      const ci = intervals?.[type as RougeType];
      const range = ci ? `  (95% interval ${f(ci.low.fmeasure)}–${f(ci.high.fmeasure)})` : '';
      return `${type.padEnd(9)}  precision ${f(s.precision)}  recall ${f(s.recall)}  fmeasure ${f(s.fmeasure)}${range}`;
    })
    .join('\n');
}
