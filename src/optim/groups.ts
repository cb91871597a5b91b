import type { Tensor } from '../tensor/tensor.js';

/**
 * nanoGPT's parameter groups for weight decay: tensors of two or more dimensions (weight matrices,
 * embeddings) decay by `weightDecay`, the others (biases, LayerNorm gains) not at all. Parameters that
 * do not require a gradient are left out, and so is an empty group.
 *
 *   new AdamW(weightDecayGroups(model.parameters(), 0.1), { lr: 1e-3, betas: [0.9, 0.99] })
 */
export function weightDecayGroups(params: Iterable<Tensor>, weightDecay: number): { params: Tensor[]; weightDecay: number }[] {
  const trainable = [...params].filter((p) => p.requiresGrad);
  const groups = [
    { params: trainable.filter((p) => p.ndim >= 2), weightDecay },
    { params: trainable.filter((p) => p.ndim < 2), weightDecay: 0 },
  ];
  return groups.filter((g) => g.params.length > 0);
}
