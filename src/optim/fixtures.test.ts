import path from 'node:path';
import { test } from 'node:test';
import { loadSafetensors } from '../io/safetensors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose } from '../testing/assert.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { Adam, AdamW } from './adam.js';
import type { BaseHyperParams, Optimizer } from './optimizer.js';
import { flattenOptimizerState, unflattenOptimizerState } from './serialize.js';
import { SGD } from './sgd.js';

const shared = sharedDir();
const cases = shared ? path.join(shared, 'fixtures/torch/cases') : '';

type Make = (p: Tensor[]) => Optimizer<BaseHyperParams>;
const MAKERS: Record<string, Make> = {
  sgd_momentum_nesterov_wd: (p) => new SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  adam: (p) => new Adam(p, { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 }),
  adamw: (p) => new AdamW(p, { lr: 0.01, betas: [0.9, 0.95], eps: 1e-8, weightDecay: 0.1 }),
};

for (const [name, make] of Object.entries(MAKERS)) {
  test(`${name}: PyTorch's trajectory, with the optimizer saved and rebuilt from its state dict halfway`, { skip: shared ? false : SHARED_MISSING }, () => {
    const { tensors } = loadSafetensors(path.join(cases, `${name}.safetensors`));
    const start = tensors.get('param0') as Tensor;
    const p = tensor(start.toTypedArray(), { shape: start.shape, requiresGrad: true });
    let opt = make([p]);
    for (let i = 0; i < 4; i++) {
      if (i === 2) {
        const flat = flattenOptimizerState(opt.stateDict());
        opt = make([p]);
        opt.loadStateDict(unflattenOptimizerState(flat.tensors, JSON.parse(JSON.stringify(flat.json))));
      }
      const g = tensors.get(`grad.${i}`) as Tensor;
      p.grad = tensor(g.toTypedArray(), { shape: g.shape });
      opt.step();
      assertClose(p, tensors.get(`param.${i + 1}`) as Tensor, 1e-4, 1e-4, `${name} step ${i + 1}`);
    }
  });
}
