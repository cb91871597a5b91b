import { gelu, relu, sigmoid, tanh } from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/** max(0, x) (torch.nn.ReLU). */
export class ReLU extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor {
    return relu(x);
  }
}

/** x·Φ(x), or its tanh approximation with approximate = 'tanh' (torch.nn.GELU). */
export class GELU extends Module<[Tensor], Tensor> {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }

  override forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** torch.nn.Tanh. */
export class Tanh extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor {
    return tanh(x);
  }
}

/** torch.nn.Sigmoid. */
export class Sigmoid extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
}

/** Returns its input (torch.nn.Identity). */
export class Identity extends Module<[Tensor], Tensor> {
  override forward(x: Tensor): Tensor {
    return x;
  }
}
