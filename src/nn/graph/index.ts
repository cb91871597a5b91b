export { MessagePassing, type EdgeContext } from './message-passing.js';
export { GCNConv, type GCNConvOptions } from './gcn-conv.js';
export { GATConv, type GATConvOptions } from './gat-conv.js';
export { SAGEConv, type SAGEConvOptions } from './sage-conv.js';
export { GINConv, type GINConvOptions } from './gin-conv.js';
export { globalAddPool, globalMeanPool, globalMaxPool } from './pool.js';
export { glorot_ } from './glorot.js';
