import fs from 'node:fs';
import path from 'node:path';
import type { StepMetrics } from './types.js';

export interface LossPlotOptions {
  title?: string;
  width?: number;
  height?: number;
}

interface Series {
  name: string;
  color: string;
  points: [number, number][];
  markers: boolean;
}

/** About `count` round tick values (1, 2 or 5 × 10ᵏ apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

function label(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1e4) return v >= 1e6 ? `${v / 1e6}M` : `${v / 1e3}k`;
  return String(Number(v.toPrecision(6)));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * An SVG line chart of training and validation loss against the step: axes with round ticks, a light
 * grid, a legend, and markers on the validation points.
 */
export function lossCurveSvg(history: readonly StepMetrics[], opts: LossPlotOptions = {}): string {
  const W = opts.width ?? 800;
  const H = opts.height ?? 480;
  const m = { left: 70, right: 24, top: 48, bottom: 56 };
  const candidates: Series[] = [
    { name: 'train loss', color: '#1f77b4', markers: false,
      points: history.filter((r) => Number.isFinite(r.train_loss)).map((r): [number, number] => [r.step, r.train_loss]) },
    { name: 'validation loss', color: '#ff7f0e', markers: true,
      points: history.filter((r) => r.val_loss !== undefined && Number.isFinite(r.val_loss)).map((r): [number, number] => [r.step, r.val_loss as number]) },
  ];
  const series = candidates.filter((s) => s.points.length > 0);
  const all = series.flatMap((s) => s.points);
  let [x0, x1] = all.length ? [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))] : [0, 1];
  let [y0, y1] = all.length ? [Math.min(...all.map((p) => p[1])), Math.max(...all.map((p) => p[1]))] : [0, 1];
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  x0 = Math.min(x0, 0);
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const f = (v: number) => v.toFixed(1);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="28" text-anchor="middle" font-size="16" font-weight="bold">${esc(opts.title ?? 'Loss')}</text>`);
  for (const t of niceTicks(x0, x1)) {
    const x = f(sx(t));
    out.push(`<line x1="${x}" y1="${m.top}" x2="${x}" y2="${m.top + ph}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${x}" y1="${m.top + ph}" x2="${x}" y2="${m.top + ph + 5}" stroke="#333"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 19}" text-anchor="middle">${label(t)}</text>`);
  }
  for (const t of niceTicks(y0, y1)) {
    const y = f(sy(t));
    out.push(`<line x1="${m.left}" y1="${y}" x2="${m.left + pw}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<line x1="${m.left - 5}" y1="${y}" x2="${m.left}" y2="${y}" stroke="#333"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${label(t)}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle" font-size="13">step</text>`);
  out.push(`<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" font-size="13">loss</text>`);
  out.push(`<g clip-path="url(#plot-area)">`);
  out.push(`<clipPath id="plot-area"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath>`);
  for (const s of series) {
    const d = s.points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${f(sx(x))},${f(sy(y))}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.markers ? 2 : 1.5}" stroke-linejoin="round"/>`);
    if (s.markers) for (const [x, y] of s.points) out.push(`<circle cx="${f(sx(x))}" cy="${f(sy(y))}" r="3.5" fill="${s.color}"/>`);
  }
  out.push('</g>');
  const lx = m.left + pw - 150;
  out.push(`<rect x="${lx}" y="${m.top + 10}" width="140" height="${series.length * 20 + 10}" fill="white" fill-opacity="0.9" stroke="#bbb"/>`);
  series.forEach((s, i) => {
    const y = m.top + 25 + i * 20;
    out.push(`<line x1="${lx + 10}" y1="${y}" x2="${lx + 34}" y2="${y}" stroke="${s.color}" stroke-width="2"/>`);
    if (s.markers) out.push(`<circle cx="${lx + 22}" cy="${y}" r="3.5" fill="${s.color}"/>`);
    out.push(`<text x="${lx + 42}" y="${y}" dominant-baseline="middle">${s.name}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Writes `lossCurveSvg(history)` to `file`. */
export function writeLossPlot(file: string, history: readonly StepMetrics[], opts?: LossPlotOptions): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, lossCurveSvg(history, opts));
}
