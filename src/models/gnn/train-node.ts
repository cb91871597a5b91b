/** Full-batch training of a node classifier on one graph (the transductive setting of GCN and GAT). */
import { backward, noGrad } from '../../autograd/graph.js';
import { crossEntropy, indexSelect } from '../../autograd/ops/index.js';
import { contiguousRaw } from '../../autograd/ops/util.js';
import type { PlanetoidGraph } from '../../data/planetoid.js';
import { Adam } from '../../optim/adam.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { NodeClassifier } from './node-models.js';

export interface NodeTrainOptions {
  /** Full-batch epochs. Default 200. */
  epochs?: number;
  /** Adam learning rate. Default 0.01. */
  lr?: number;
  /** L2 penalty (Adam's weight decay). Default 5e-4. */
  weightDecay?: number;
  /** Apply the weight decay to the first layer only, as Kipf & Welling do. Default false. */
  decayFirstLayerOnly?: boolean;
  /** Called after every epoch. */
  onEpoch?: (e: NodeEpoch) => void;
}

export interface NodeEpoch {
  epoch: number;
  loss: number;
  trainAcc: number;
  valAcc: number;
  testAcc: number;
}

export interface NodeTrainResult {
  /** Accuracies after the last epoch. */
  final: NodeEpoch;
  /** The epoch with the best validation accuracy (the first of ties), and its test accuracy. */
  best: NodeEpoch;
  /** Wall-clock milliseconds per epoch of training (forward, backward, step), evaluation excluded. */
  msPerEpoch: number;
}

/** Fraction of the nodes `index` whose argmax of `logits` is their label in `y`. */
export function nodeAccuracy(logits: Tensor, y: Tensor, index: Tensor): number {
  const l = contiguousRaw(logits).data;
  const labels = contiguousRaw(y).data as Int32Array;
  const ids = contiguousRaw(index).data as Int32Array;
  const C = logits.shape[1];
  let correct = 0;
  for (const n of ids) {
    let best = 0;
    for (let c = 1; c < C; c++) if (l[n * C + c] > l[n * C + best]) best = c;
    if (best === labels[n]) correct++;
  }
  return ids.length > 0 ? correct / ids.length : 0;
}

/**
 * Trains `model` on `graph`: each epoch one Adam step on the cross entropy of the training nodes, then an
 * evaluation (dropout off) of the train, validation and test accuracies.
 */
export function trainNodeClassifier(model: NodeClassifier, graph: PlanetoidGraph, opts: NodeTrainOptions = {}): NodeTrainResult {
  const wd = opts.weightDecay ?? 5e-4;
  const first = new Set<Tensor>(model.conv1.parameters());
  const params = model.parameters();
  const groups = opts.decayFirstLayerOnly
    ? [{ params: params.filter((p) => first.has(p)), weightDecay: wd }, { params: params.filter((p) => !first.has(p)), weightDecay: 0 }]
    : [{ params, weightDecay: wd }];
  const optimizer = new Adam(groups, { lr: opts.lr ?? 0.01 });
  const trainY = indexSelect(graph.y, 0, graph.trainIndex);
  let best: NodeEpoch | null = null;
  let final: NodeEpoch | null = null;
  let trainingMs = 0;
  const epochs = opts.epochs ?? 200;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    model.train();
    optimizer.zeroGrad();
    const loss = crossEntropy(indexSelect(model.forward(graph.x, graph.edgeIndex), 0, graph.trainIndex), trainY);
    backward(loss);
    optimizer.step();
    trainingMs += performance.now() - t0;
    model.eval();
    const logits = noGrad(() => model.forward(graph.x, graph.edgeIndex));
    final = {
      epoch, loss: loss.item(),
      trainAcc: nodeAccuracy(logits, graph.y, graph.trainIndex),
      valAcc: nodeAccuracy(logits, graph.y, graph.valIndex),
      testAcc: nodeAccuracy(logits, graph.y, graph.testIndex),
    };
    if (!best || final.valAcc > best.valAcc) best = final;
    opts.onEpoch?.(final);
  }
  return { final: final!, best: best!, msPerEpoch: epochs > 0 ? trainingMs / epochs : 0 };
}
