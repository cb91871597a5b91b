import type { Encoding } from '../encoding.js';
import type { PostProcessor } from '../types.js';
import { trimByteLevelOffsets } from './byte_level.js';
import { TemplateProcessing } from './template.js';

/** RoBERTa's `<s> A </s>` / `<s> A </s> </s> B </s>` (all type ids 0), with byte-level offset trimming. */
export class RobertaProcessing implements PostProcessor {
  readonly type = 'RobertaProcessing';
  private readonly template: TemplateProcessing;
  constructor(
    readonly sep: [string, number] = ['</s>', 2],
    readonly cls: [string, number] = ['<s>', 0],
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
  ) {
    this.template = new TemplateProcessing(`${cls[0]} $A ${sep[0]}`, `${cls[0]} $A ${sep[0]} ${sep[0]} $B ${sep[0]}`, [cls, sep]);
  }
  addedTokens(isPair: boolean): number {
    return this.template.addedTokens(isPair);
  }
  process(a: Encoding, b: Encoding | null, addSpecialTokens: boolean): Encoding {
    if (this.trimOffsets) {
      trimByteLevelOffsets(a, this.addPrefixSpace);
      if (b) trimByteLevelOffsets(b, this.addPrefixSpace);
    }
    return this.template.process(a, b, addSpecialTokens);
  }
  toJSON(): object {
    return { type: this.type, sep: this.sep, cls: this.cls, trim_offsets: this.trimOffsets, add_prefix_space: this.addPrefixSpace };
  }
}
