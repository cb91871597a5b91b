export { GAT, GCN, GraphSAGE, NodeClassifier, sparseDropout, type NodeModelOptions } from './node-models.js';
export { nodeAccuracy, trainNodeClassifier, type NodeEpoch, type NodeTrainOptions, type NodeTrainResult } from './train-node.js';
