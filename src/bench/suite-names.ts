/** Every suite the harness knows (shared/bench/README.md), in the order `all` runs them. */
export const SUITE_NAMES = ['smallop', 'gemm', 'gpt_train', 'lstm_train', 'gpt_generate', 'bert_forward', 'tokenize'] as const;
