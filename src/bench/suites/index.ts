import type { BenchSuite } from '../types.js';
import { bertForward } from './bert_forward.js';
import { gemm } from './gemm.js';
import { gptGenerate } from './gpt_generate.js';
import { gptTrain } from './gpt_train.js';
import { lstmTrain } from './lstm_train.js';
import { smallop } from './smallop.js';
import { tokenize } from './tokenize.js';

/** Every suite with an lmkit implementation, by name (add a line per suite file). */
export const suites: readonly BenchSuite[] = [smallop, gemm, gptTrain, lstmTrain, gptGenerate, bertForward, tokenize];
