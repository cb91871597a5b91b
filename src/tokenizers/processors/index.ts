import { fail } from '../../errors.js';
import type { JsonReader } from '../json.js';
import type { PostProcessor } from '../types.js';
import { BertProcessing } from './bert.js';
import { ByteLevelProcessor } from './byte_level.js';
import { RobertaProcessing } from './roberta.js';
import { ProcessorSequence } from './sequence.js';
import { TemplateProcessing, type TemplatePiece, type TemplateSpecialToken } from './template.js';

export { BertProcessing, ByteLevelProcessor, ProcessorSequence, RobertaProcessing, TemplateProcessing };

function tokenPair(j: JsonReader, key: string): [string, number] {
  const v = j.array(key);
  if (v.length !== 2 || typeof v[0] !== 'string' || typeof v[1] !== 'number') j.bad(key, 'a pair [token, id]', v);
  return [v[0] as string, v[1] as number];
}

function templatePieces(j: JsonReader, key: string): TemplatePiece[] {
  return j.children(key).map((p): TemplatePiece => {
    if (p.has('SpecialToken')) {
      const s = p.child('SpecialToken');
      return { special: s.string('id'), typeId: s.int('type_id', 0) };
    }
    const s = p.child('Sequence');
    const id = s.string('id');
    if (id !== 'A' && id !== 'B') s.bad('id', '"A" or "B"', id);
    return { sequence: id as 'A' | 'B', typeId: s.int('type_id', 0) };
  });
}

/** A post-processor from its tokenizer.json object, chosen by `type`. */
export function processorFromJSON(j: JsonReader): PostProcessor {
  const type = j.type();
  switch (type) {
    case 'TemplateProcessing': {
      const specials: TemplateSpecialToken[] = [];
      const st = j.child('special_tokens');
      for (const name of Object.keys(st.obj)) {
        const s = st.child(name);
        const ids = s.array('ids');
        const tokens = s.array('tokens');
        if (!ids.every((x) => Number.isInteger(x))) s.bad('ids', 'an array of integer ids', ids);
        if (!tokens.every((x) => typeof x === 'string') || tokens.length !== ids.length) s.bad('tokens', `an array of ${ids.length} strings`, tokens);
        specials.push({ id: s.string('id'), ids: ids as number[], tokens: tokens as string[] });
      }
      return new TemplateProcessing(templatePieces(j, 'single'), templatePieces(j, 'pair'), specials);
    }
    case 'BertProcessing':
      return new BertProcessing(tokenPair(j, 'sep'), tokenPair(j, 'cls'));
    case 'RobertaProcessing':
      return new RobertaProcessing(tokenPair(j, 'sep'), tokenPair(j, 'cls'), j.bool('trim_offsets', true), j.bool('add_prefix_space', true));
    case 'ByteLevel':
      return new ByteLevelProcessor(j.bool('trim_offsets', true), j.bool('add_prefix_space', true), j.bool('use_regex', true));
    case 'Sequence':
      return new ProcessorSequence(j.children('processors').map(processorFromJSON));
    default:
      fail('Unsupported', `${j.file}: ${j.path}.type: post-processor "${type}" is not supported (expected TemplateProcessing, BertProcessing, RobertaProcessing, ByteLevel or Sequence)`);
  }
}
