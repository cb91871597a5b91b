import { fail } from '../../errors.js';
import { Encoding } from '../encoding.js';
import type { PostProcessor } from '../types.js';
import { concatPair } from './default.js';

/** One element of a template: a special token or a slot for sequence A or B, with its type id. */
export type TemplatePiece = { special: string; typeId: number } | { sequence: 'A' | 'B'; typeId: number };

/** A special token of the templates: its name and the ids/tokens it stands for. */
export interface TemplateSpecialToken {
  id: string;
  ids: number[];
  tokens: string[];
}

/**
 * Parses Hugging Face's template notation: "[CLS] $A [SEP]" or "[CLS] $A [SEP] $B:1 [SEP]:1"
 * ($A/$B are the sequences, ":n" a type id).
 */
export function parseTemplate(t: string): TemplatePiece[] {
  return t
    .trim()
    .split(/\s+/)
    .map((part) => {
      const m = /^(.*?)(?::(\d+))?$/.exec(part)!;
      const name = m[1];
      const typeId = m[2] === undefined ? 0 : Number(m[2]);
      if (name === '$' || name === '$A' || name === '$a') return { sequence: 'A' as const, typeId };
      if (name === '$B' || name === '$b') return { sequence: 'B' as const, typeId };
      if (/^\$\d+$/.test(name)) return { sequence: 'A' as const, typeId: Number(name.slice(1)) };
      if (name.startsWith('$')) fail('InvalidArgument', `template "${t}": unknown sequence ${name} (expected $A or $B)`);
      return { special: name, typeId };
    });
}

/**
 * Adds special tokens by templates, e.g. single "[CLS] $A [SEP]" and pair "[CLS] $A [SEP] $B:1 [SEP]:1"
 * (BERT): special tokens get offsets (0, 0) and special-token mask 1; each piece sets its type id.
 */
export class TemplateProcessing implements PostProcessor {
  readonly type = 'TemplateProcessing';
  readonly single: TemplatePiece[];
  readonly pair: TemplatePiece[];
  readonly specialTokens: Map<string, TemplateSpecialToken>;

  constructor(single: TemplatePiece[] | string, pair: TemplatePiece[] | string, specialTokens: TemplateSpecialToken[] | [string, number][]) {
    this.single = typeof single === 'string' ? parseTemplate(single) : single;
    this.pair = typeof pair === 'string' ? parseTemplate(pair) : pair;
    this.specialTokens = new Map();
    for (const s of specialTokens) {
      const tok = Array.isArray(s) ? { id: s[0], ids: [s[1]], tokens: [s[0]] } : s;
      this.specialTokens.set(tok.id, tok);
    }
    for (const p of [...this.single, ...this.pair]) {
      if ('special' in p && !this.specialTokens.has(p.special)) {
        fail('InvalidArgument', `TemplateProcessing: special token ${JSON.stringify(p.special)} of the template has no id (expected it among special_tokens)`);
      }
    }
    if (!this.single.some((p) => 'sequence' in p && p.sequence === 'A')) fail('InvalidArgument', 'TemplateProcessing: the single template must contain $A');
  }

  addedTokens(isPair: boolean): number {
    let n = 0;
    for (const p of isPair ? this.pair : this.single) if ('special' in p) n += this.specialTokens.get(p.special)!.ids.length;
    return n;
  }

  process(a: Encoding, b: Encoding | null, addSpecialTokens: boolean): Encoding {
    if (!addSpecialTokens) return concatPair(a, b);
    const out = new Encoding();
    for (const p of b ? this.pair : this.single) {
      if ('special' in p) {
        const s = this.specialTokens.get(p.special)!;
        for (let k = 0; k < s.ids.length; k++) out.push(s.ids[k], s.tokens[k], [0, 0], p.typeId, 1, null);
      } else {
        const seq = p.sequence === 'A' ? a : b;
        if (!seq) continue;
        const start = out.length;
        out.append(seq);
        out.typeIds.fill(p.typeId, start);
        out.sequenceIds.fill(p.sequence === 'A' ? 0 : 1, start);
      }
    }
    out.overflowing = a.overflowing.map((o) => this.process(o, b, true));
    if (b) for (const o of b.overflowing) out.overflowing.push(this.process(a, o, true));
    return out;
  }

  toJSON(): object {
    const piece = (p: TemplatePiece) =>
      'special' in p ? { SpecialToken: { id: p.special, type_id: p.typeId } } : { Sequence: { id: p.sequence, type_id: p.typeId } };
    const special: Record<string, TemplateSpecialToken> = {};
    for (const [k, v] of this.specialTokens) special[k] = v;
    return { type: this.type, single: this.single.map(piece), pair: this.pair.map(piece), special_tokens: special };
  }
}
