/** BERT (Devlin et al. 2019): the encoder, its pre-training heads and Hugging Face checkpoints. */
export { bertConfigFromHF, bertConfigToHF, bertDefaults, resolveBertConfig, type BertActivation, type BertConfig } from './config.js';
export { BertEmbeddings } from './embeddings.js';
export { BertAttention, BertEncoder, BertIntermediate, BertLayer, BertResidualOutput, BertSelfAttention } from './encoder.js';
export { BertLMPredictionHead, BertOnlyMLMHead, BertPredictionHeadTransform, BertPreTrainingHeads } from './heads.js';
export { BertModel, BertPooler, keyPaddingMask, type BertInputs, type BertModelOutput, type BertOptions } from './model.js';
export {
  BertForMaskedLM, BertForPreTraining, maskedLMLoss,
  type BertPreTrainingLabels, type BertPreTrainingLoss, type BertPreTrainingOutput, type MaskedLanguageModel,
} from './pretraining.js';
export { bertStateDictFromHF, loadPretrainedBert, savePretrainedBert, type BertArchitecture, type BertFromPretrainedOptions } from './pretrained.js';
