/** One import per parity kind; each module registers its handler with registerKind(). */
import './op.js';
import './graph.js';
import './checkpoint.js';
import './module.js';
import './optimizer.js';
