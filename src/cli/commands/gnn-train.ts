import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadPlanetoid } from '../../data/planetoid.js';
import { GAT, GCN, GraphSAGE, trainNodeClassifier, type NodeTrainResult } from '../../models/gnn/index.js';
import { manualSeed } from '../../tensor/random.js';
import { floatArg, intArg, UsageError } from '../usage.js';

type Arch = 'gcn' | 'gat' | 'sage';

/** The papers' settings: GCN (Kipf & Welling, decay on the first layer only), GAT (Veličković et al.), GraphSAGE. */
const DEFAULTS: Record<Arch, { lr: number; decayFirstLayerOnly: boolean }> = {
  gcn: { lr: 0.01, decayFirstLayerOnly: true },
  gat: { lr: 0.005, decayFirstLayerOnly: false },
  sage: { lr: 0.01, decayFirstLayerOnly: false },
};

interface Opts {
  data: string; model: string; epochs: number; lr?: number; weightDecay: number; hidden?: number; dropout?: number;
  seeds: string; logEvery: number; json: boolean;
}

function parseSeeds(v: string): number[] {
  const seeds = v.split(',').map((s) => Number(s.trim()));
  if (seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) throw new UsageError(`--seeds expects comma-separated integers, got "${v}"`);
  return seeds;
}

const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
const std = (a: number[]): number => Math.sqrt(mean(a.map((v) => (v - mean(a)) ** 2)));
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export function register(program: Command): void {
  program.command('gnn-train')
    .description('Train a two-layer GCN, GAT or GraphSAGE node classifier on a Planetoid graph (e.g. Cora) and report test accuracy.')
    .requiredOption('--data <dir>', 'a Planetoid folder: features.txt, labels.txt, edges.txt, split.json')
    .option('--model <name>', 'gcn | gat | sage', 'gcn')
    .option('--epochs <n>', 'full-batch epochs', intArg('--epochs', 1), 200)
    .option('--lr <lr>', 'Adam learning rate (default: gcn 0.01, gat 0.005, sage 0.01)', floatArg('--lr', 0))
    .option('--weight-decay <wd>', 'L2 penalty (gcn: first layer only, as the paper)', floatArg('--weight-decay', 0), 5e-4)
    .option('--hidden <n>', 'hidden features (per head for gat; default gcn 16, gat 8, sage 16)', intArg('--hidden', 1))
    .option('--dropout <p>', 'dropout (default gcn 0.5, gat 0.6, sage 0.5)', floatArg('--dropout', 0, 1))
    .option('--seeds <list>', 'comma-separated seeds, one run each', '0')
    .option('--log-every <n>', 'print accuracies every n epochs (0: never)', intArg('--log-every', 0), 0)
    .option('--json', 'print one JSON line per run and a summary line', false)
    .action((opts: Opts) => {
      if (!['gcn', 'gat', 'sage'].includes(opts.model)) throw new UsageError(`--model expects gcn, gat or sage, got "${opts.model}"`);
      if (!fs.existsSync(path.join(opts.data, 'split.json'))) throw new UsageError(`--data: ${opts.data} has no split.json`);
      const arch = opts.model as Arch;
      const graph = loadPlanetoid(opts.data);
      const runs: (NodeTrainResult & { seed: number })[] = [];
      for (const seed of parseSeeds(opts.seeds)) {
        manualSeed(seed);
        const layer = { hidden: opts.hidden, dropout: opts.dropout };
        const model = arch === 'gcn' ? new GCN(graph.numFeatures, graph.numClasses, layer)
          : arch === 'gat' ? new GAT(graph.numFeatures, graph.numClasses, layer) : new GraphSAGE(graph.numFeatures, graph.numClasses, layer);
        const r = trainNodeClassifier(model, graph, {
          epochs: opts.epochs, lr: opts.lr ?? DEFAULTS[arch].lr, weightDecay: opts.weightDecay,
          decayFirstLayerOnly: DEFAULTS[arch].decayFirstLayerOnly,
          onEpoch: (e) => {
            if (opts.logEvery > 0 && e.epoch % opts.logEvery === 0) {
              process.stdout.write(`seed ${seed} epoch ${e.epoch}: loss ${e.loss.toFixed(4)} train ${pct(e.trainAcc)} val ${pct(e.valAcc)} test ${pct(e.testAcc)}\n`);
            }
          },
        });
        runs.push({ ...r, seed });
        if (opts.json) process.stdout.write(`${JSON.stringify({ seed, ...r })}\n`);
        else {
          process.stdout.write(`seed ${seed}: test ${pct(r.final.testAcc)} after ${opts.epochs} epochs (val ${pct(r.final.valAcc)}); `
            + `test ${pct(r.best.testAcc)} at the best val epoch ${r.best.epoch}; ${r.msPerEpoch.toFixed(1)} ms/epoch\n`);
        }
      }
      const final = runs.map((r) => r.final.testAcc);
      const best = runs.map((r) => r.best.testAcc);
      const ms = mean(runs.map((r) => r.msPerEpoch));
      if (opts.json) process.stdout.write(`${JSON.stringify({ model: arch, runs: runs.length, testAcc: mean(final), testAccStd: std(final), testAccAtBestVal: mean(best), msPerEpoch: ms })}\n`);
      else {
        process.stdout.write(`${arch} on ${graph.numNodes} nodes, ${runs.length} run(s): test accuracy ${pct(mean(final))} ± ${pct(std(final))} `
          + `(at best val: ${pct(mean(best))}), ${ms.toFixed(1)} ms/epoch\n`);
      }
    });
}
