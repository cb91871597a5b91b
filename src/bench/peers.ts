import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRecord } from './types.js';

/** A peer implementation run beside lmkit: a command that prints schema JSON lines. */
interface Peer {
  /** How the notes name it, e.g. "PyTorch peer". */
  label: string;
  suites: readonly string[];
  /** The command to run, or why it cannot run here. */
  command(run: PeerRun): { file: string; args: string[]; env?: NodeJS.ProcessEnv } | { skip: string };
}

/** What a peer run needs. */
export interface PeerRun {
  suite: string;
  threads: number;
  quick: boolean;
  /** The folder holding torch_peer.py, ort_peer.mjs, tfjs_peer.mjs (with ../configs.json beside it). */
  peersDir: string;
}

/** Where scripts/install-peers.sh puts the Node peers' packages. */
export function nodePeersDir(): string {
  return process.env.LMKIT_PEERS_DIR || path.join(os.homedir(), '.cache', 'lmkit-peers');
}

function nodePeerEnv(pkg: string, label: string): NodeJS.ProcessEnv | { skip: string } {
  const modules = path.join(nodePeersDir(), 'node_modules');
  if (!fs.existsSync(path.join(modules, pkg, 'package.json'))) {
    return { skip: `${label} skipped: ${pkg} is not installed in ${modules} (run scripts/install-peers.sh once)` };
  }
  const inherited = process.env.NODE_PATH ? [process.env.NODE_PATH] : [];
  return { ...process.env, NODE_PATH: [modules, ...inherited].join(path.delimiter) };
}

const PYTHON = process.env.LMKIT_PYTHON || '/usr/bin/python3';

/**
 * Debian's python3-torch does its products in whichever libblas.so.3 the alternatives system picks; with
 * only the reference BLAS (libblas3) installed, PyTorch multiplies at about 1 GFLOP/s instead of OpenBLAS's
 * 80, and every ratio against it is meaningless. A note when that is so, else null.
 */
export function referenceBlasNote(): string | null {
  try {
    const alt = fs.readdirSync('/etc/alternatives').find((f) => f.startsWith('libblas.so.3'));
    if (!alt) return null;
    const target = fs.realpathSync(path.join('/etc/alternatives', alt));
    if (!/\/blas\/libblas\.so/.test(target)) return null;
    return `PyTorch peer: libblas.so.3 is the reference BLAS (${target}), so its products run ~50x slower than ` +
      'with OpenBLAS; install libopenblas0-pthread for the PyTorch the benchmark assumes';
  } catch {
    return null;
  }
}

export const PEERS: readonly Peer[] = [
  {
    label: 'PyTorch peer',
    suites: ['smallop', 'gemm', 'gpt_train', 'lstm_train', 'gpt_generate', 'bert_forward'],
    command: ({ suite, threads, quick, peersDir }) => {
      if (!fs.existsSync(PYTHON)) return { skip: `PyTorch peer skipped: ${PYTHON} not found` };
      const blas = referenceBlasNote();
      if (blas) process.stderr.write(`bench: ${blas}\n`);
      const args = [path.join(peersDir, 'torch_peer.py'), suite, '--threads', String(threads)];
      return { file: PYTHON, args: quick ? [...args, '--quick'] : args };
    },
  },
  {
    label: 'TF.js peer',
    suites: ['smallop', 'gemm', 'lstm_train'],
    command: ({ suite, quick, peersDir }) => {
      const env = nodePeerEnv('@tensorflow/tfjs', 'TF.js peer');
      if ('skip' in env) return env as { skip: string };
      // tfjs runs one thread whatever --threads says (no wasm threads under Node).
      const args = [path.join(peersDir, 'tfjs_peer.mjs'), suite];
      return { file: process.execPath, args: quick ? [...args, '--quick'] : args, env };
    },
  },
  {
    label: 'ONNX Runtime peer',
    suites: ['gpt_generate'],
    command: ({ suite, threads, quick, peersDir }) => {
      const env = nodePeerEnv('onnxruntime-node', 'ONNX Runtime peer');
      if ('skip' in env) return env as { skip: string };
      const args = [path.join(peersDir, 'ort_peer.mjs'), suite, '--threads', String(threads)];
      return { file: process.execPath, args: quick ? [...args, '--quick'] : args, env };
    },
  },
];

/** The peers that implement `suite`. */
export function peersFor(suite: string): readonly Peer[] {
  return PEERS.filter((p) => p.suites.includes(suite));
}

/**
 * Runs a child that prints schema JSON lines on stdout; resolves with its records. Other stdout lines
 * and its stderr go to our stderr. `note` gets one line when it fails.
 */
export function runJsonLines(
  label: string, file: string, args: string[], env: NodeJS.ProcessEnv | undefined,
  onRecord: (r: BenchRecord) => void, note: (line: string) => void,
): Promise<BenchRecord[]> {
  return new Promise((resolve) => {
    const records: BenchRecord[] = [];
    let stderrTail = '';
    let pending = '';
    const child = spawn(file, args, { env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const takeLine = (line: string) => {
      const text = line.trim();
      if (!text) return;
      if (text.startsWith('{')) {
        try {
          const r = JSON.parse(text) as BenchRecord;
          records.push(r);
          onRecord(r);
          return;
        } catch {
          // not a record: fall through
        }
      }
      process.stderr.write(`${label}: ${text}\n`);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(takeLine);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk).slice(-4000);
    });
    child.on('error', (e) => {
      note(`${label} skipped: cannot start ${file} (${e.message})`);
      resolve(records);
    });
    child.on('close', (code, signal) => {
      takeLine(pending);
      if (code !== 0) {
        if (/No module named '?torch/.test(stderrTail)) note(`${label} skipped: python3 has no torch (apt-get install -y python3-torch)`);
        else note(`${label} failed (${signal ? `signal ${signal}` : `exit status ${code}`})`);
      }
      resolve(records);
    });
  });
}

/** Runs every peer of `run.suite` one after the other (never at once: the machine has 2 cores). */
export async function runPeers(run: PeerRun, onRecord: (r: BenchRecord) => void, note: (line: string) => void): Promise<BenchRecord[]> {
  const all: BenchRecord[] = [];
  for (const peer of peersFor(run.suite)) {
    const cmd = peer.command(run);
    if ('skip' in cmd) {
      note(cmd.skip);
      continue;
    }
    all.push(...await runJsonLines(peer.label, cmd.file, cmd.args, cmd.env, onRecord, note));
  }
  return all;
}

/**
 * A folder holding the peers with `configFile` as their ../configs.json (the peers read the configs.json
 * beside their own folder), so that they run the same workloads as lmkit; `cleanup` removes it.
 */
export function peersWithConfig(sharedPeersDir: string, configFile: string): { peersDir: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-bench-peers-'));
  const peersDir = path.join(root, 'peers');
  fs.mkdirSync(peersDir);
  for (const f of fs.readdirSync(sharedPeersDir)) {
    const src = path.join(sharedPeersDir, f);
    if (fs.statSync(src).isFile()) fs.copyFileSync(src, path.join(peersDir, f));
  }
  fs.copyFileSync(configFile, path.join(root, 'configs.json'));
  return { peersDir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
