import type { Backend } from '../types.js';
import { attention, attentionBackward } from './attention.js';
import {
  affine, binary, clamp, copy, powScalar, scaleInPlace, scaleInPlaceList, sumSquares, sumSquaresList, unary, unaryBackward, where,
} from './elementwise.js';
import { dropout } from './dropout.js';
import { gemm } from './gemm.js';
import { embedding, embeddingBackward, gather, scatterAdd } from './indexing.js';
import { crossEntropy } from './loss.js';
import { layerNorm, layerNormBackward } from './norm.js';
import { adamUpdate, adamUpdateList } from './optim.js';
import { cumsum, reduce } from './reduce.js';
import { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward } from './rnn.js';
import { softmax, softmaxBackward } from './softmax.js';
import { topk } from './sort.js';

/** The reference backend: every kernel in plain TypeScript, for float32 and float64. */
export const jsBackend: Backend = {
  name: 'js',
  binary, where, unary, unaryBackward, clamp, powScalar, affine, copy, reduce, cumsum, topk, gemm,
  softmax, softmaxBackward, layerNorm, layerNormBackward, embedding, embeddingBackward, crossEntropy,
  gather, scatterAdd, attention, attentionBackward, lstmCellForward, lstmCellBackward, gruCellForward, gruCellBackward,
  adamUpdate, adamUpdateList, sumSquares, sumSquaresList, scaleInPlace, scaleInPlaceList, dropout,
  setNumThreads: () => {},
  getNumThreads: () => 1,
};
