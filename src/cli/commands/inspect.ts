import fs from 'node:fs';
import type { Command } from 'commander';
import { fail } from '../../errors.js';
import { modelWeightFiles, SHARD_INDEX, SINGLE_WEIGHTS } from '../../io/model-files.js';
import { readSafetensorsHeader, type SafetensorsHeader } from '../../io/safetensors.js';

const LONG_VALUE = 200;

/** The safetensors files a path names: the file itself, or a model directory's single or sharded weights. */
function weightFiles(target: string): string[] {
  if (!fs.statSync(target).isDirectory()) return [target];
  return modelWeightFiles(target) ?? fail('InvalidArgument', `inspect: ${target} holds neither ${SINGLE_WEIGHTS} nor ${SHARD_INDEX}`);
}

function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

function describe(file: string, header: SafetensorsHeader): string {
  const lines = [file];
  const meta = Object.entries(header.metadata);
  if (meta.length > 0) {
    lines.push('metadata:');
    for (const [k, v] of meta) {
      const oneLine = v.replace(/\r?\n/g, '\\n');
      const shown = oneLine.length > LONG_VALUE ? `${oneLine.slice(0, LONG_VALUE)}… (${v.length} characters; --json prints all)` : oneLine;
      lines.push(`  ${k}: ${shown}`);
    }
  }
  let elements = 0;
  for (const t of header.tensors) elements += t.shape.reduce((a, b) => a * b, 1);
  lines.push(`${header.tensors.length} tensors, ${elements.toLocaleString('en-US')} elements, ${formatBytes(header.fileSize - header.dataStart)} of data`);
  if (header.tensors.length > 0) {
    const nameWidth = Math.max(4, ...header.tensors.map((t) => t.name.length));
    const dtypeWidth = Math.max(5, ...header.tensors.map((t) => t.dtype.length));
    lines.push(`${'name'.padEnd(nameWidth)}  ${'dtype'.padEnd(dtypeWidth)}  shape`);
    for (const t of header.tensors) lines.push(`${t.name.padEnd(nameWidth)}  ${t.dtype.padEnd(dtypeWidth)}  [${t.shape.join(', ')}]`);
  }
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('inspect')
    .description('list the tensors (name, dtype, shape) and metadata of a safetensors file, without loading the data')
    .argument('<file>', 'a .safetensors file, or a model directory holding model.safetensors (or sharded weights)')
    .option('--json', 'print the headers as JSON')
    .action((target: string, opts: { json?: boolean }) => {
      const files = weightFiles(target);
      const headers = files.map((f) => ({ file: f, header: readSafetensorsHeader(f) }));
      if (opts.json) {
        const out = headers.map(({ file, header }) => ({
          file,
          metadata: header.metadata,
          tensors: header.tensors.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data_offsets: t.dataOffsets })),
        }));
        process.stdout.write(`${JSON.stringify(out.length === 1 ? out[0] : out, null, 2)}\n`);
      } else {
        process.stdout.write(`${headers.map(({ file, header }) => describe(file, header)).join('\n\n')}\n`);
      }
    });
}
