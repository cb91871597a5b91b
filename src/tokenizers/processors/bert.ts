import type { Encoding } from '../encoding.js';
import type { PostProcessor } from '../types.js';
import { TemplateProcessing } from './template.js';

/** BERT's `[CLS] A [SEP]` / `[CLS] A [SEP] B [SEP]` (type ids 0 for A, 1 for B). */
export class BertProcessing implements PostProcessor {
  readonly type = 'BertProcessing';
  private readonly template: TemplateProcessing;
  constructor(
    readonly sep: [string, number] = ['[SEP]', 102],
    readonly cls: [string, number] = ['[CLS]', 101],
  ) {
    this.template = new TemplateProcessing(`${cls[0]} $A ${sep[0]}`, `${cls[0]} $A ${sep[0]} $B:1 ${sep[0]}:1`, [cls, sep]);
  }
  addedTokens(isPair: boolean): number {
    return this.template.addedTokens(isPair);
  }
  process(a: Encoding, b: Encoding | null, addSpecialTokens: boolean): Encoding {
    return this.template.process(a, b, addSpecialTokens);
  }
  toJSON(): object {
    return { type: this.type, sep: this.sep, cls: this.cls };
  }
}
