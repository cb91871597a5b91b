export {
  Block as GPTBlock, CausalSelfAttention, Conv1D, GPT, GPTBody, gptDefaults, gptPresets, MLP as GPTMLP, paddedCausalMask,
  resolveConfig as resolveGPTConfig,
  type GPTConfig, type GPTOptions, type GPTPreset,
} from './gpt.js';
export {
  CONV1D_WEIGHTS, gptConfigFromHF, gptConfigToHF, gptStateDictFromHF, loadPretrainedGPT, savePretrainedGPT,
  type FromPretrainedOptions,
} from './gpt-pretrained.js';
export { LayerKVCache } from './kv-cache.js';
export {
  GRULanguageModel, LSTMLanguageModel, RecurrentLanguageModel, RNNLanguageModel,
  type RecurrentCell, type RecurrentLMOptions, type RecurrentState,
} from './rnn-lm.js';
export { LMKIT_SEQ2SEQ, loadModel, loadSeq2SeqModel, saveModel, type LanguageModel } from './auto.js';
export * from './bert/index.js';
export {
  architecturesOf, checkShape, configInt, configNumber, hasTokenizerFiles, matchCheckpoint, readCheckpointWeights, readJsonObject,
  writeModelFolder, type CheckpointNames, type HFConfig,
} from './pretrained.js';
export * from './gnn/index.js';
export * from './seq2seq/index.js';
