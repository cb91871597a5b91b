import type { Command } from 'commander';
import { register as evaluate } from './eval.js';
import { register as fillMask } from './fill-mask.js';
import { register as generate } from './generate.js';
import { register as gnnTrain } from './gnn-train.js';
import { register as inspect } from './inspect.js';
import { register as parity } from './parity.js';
import { register as prepare } from './prepare.js';
import { register as score } from './score.js';
import { register as serve } from './serve.js';
import { register as tokenize } from './tokenize.js';
import { register as train } from './train.js';
import { register as trainSeq2Seq } from './train-seq2seq.js';
import { register as translate } from './translate.js';

/** Every subcommand's register function; add a line per command file. */
export const commands: ((program: Command) => void)[] = [
  train,
  trainSeq2Seq,
  generate,
  translate,
  fillMask,
  evaluate,
  inspect,
  parity,
  prepare,
  tokenize,
  score,
  serve,
  gnnTrain,
];
