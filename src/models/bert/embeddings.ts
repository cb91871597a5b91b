import { add } from '../../autograd/ops/index.js';
import { fail } from '../../errors.js';
import { Dropout } from '../../nn/dropout.js';
import { Embedding } from '../../nn/embedding.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Module } from '../../nn/module.js';
import { arange, zeros } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertConfig } from './config.js';

/**
 * The input representation of BERT (Devlin et al. 2019, §3.1): for token i of segment s_i,
 *
 *     e_i = LayerNorm(word[x_i] + position[i] + token_type[s_i]),  then dropout.
 *
 * Shapes: ids, tokenTypeIds (B, T) int, T ≤ maxPositionEmbeddings → (B, T, H).
 */
export class BertEmbeddings extends Module {
  readonly wordEmbeddings: Embedding;
  readonly positionEmbeddings: Embedding;
  readonly tokenTypeEmbeddings: Embedding;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(readonly config: BertConfig) {
    super();
    const H = config.hiddenSize;
    const pad = config.padTokenId >= 0 && config.padTokenId < config.vocabSize ? config.padTokenId : null;
    this.wordEmbeddings = this.registerModule('word_embeddings', new Embedding(config.vocabSize, H, { paddingIdx: pad }));
    this.positionEmbeddings = this.registerModule('position_embeddings', new Embedding(config.maxPositionEmbeddings, H));
    this.tokenTypeEmbeddings = this.registerModule('token_type_embeddings', new Embedding(config.typeVocabSize, H));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(H, { eps: config.layerNormEps }));
    this.dropout = new Dropout(config.hiddenDropoutProb);
  }

  override forward(ids: Tensor, tokenTypeIds: Tensor | null = null, positionIds: Tensor | null = null): Tensor {
    const [B, T] = ids.shape;
    if (ids.ndim !== 2) fail('ShapeMismatch', `BERT: expected input ids of shape [B, T], got [${ids.shape.join(', ')}]`);
    if (T > this.config.maxPositionEmbeddings) {
      fail('InvalidArgument', `BERT: ${T} positions exceed max_position_embeddings ${this.config.maxPositionEmbeddings}`);
    }
    const types = tokenTypeIds ?? zeros([B, T], { dtype: 'int32' });
    const e = add(add(this.wordEmbeddings.forward(ids), this.positionEmbeddings.forward(positionIds ?? arange(T))), this.tokenTypeEmbeddings.forward(types));
    return this.dropout.forward(this.layerNorm.forward(e));
  }
}
