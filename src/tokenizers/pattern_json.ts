import type { JsonReader } from './json.js';
import type { Pattern } from './pattern.js';
import type { PrependScheme } from './pre_tokenizers/metaspace.js';

/** The `pattern` field: {"String": ...} or {"Regex": ...}. */
export function patternOf(j: JsonReader): Pattern {
  const p = j.child('pattern');
  if (p.has('Regex')) return { Regex: p.string('Regex') };
  if (p.has('String')) return { String: p.string('String') };
  return j.bad('pattern', '{"String": ...} or {"Regex": ...}', p.obj);
}

/** Metaspace's `prepend_scheme`, or the older `add_prefix_space` (true = "always"). */
export function prependScheme(j: JsonReader): PrependScheme {
  if (j.has('prepend_scheme')) {
    const s = j.string('prepend_scheme');
    if (s !== 'always' && s !== 'first' && s !== 'never') j.bad('prepend_scheme', '"always", "first" or "never"', s);
    return s;
  }
  return j.bool('add_prefix_space', true) ? 'always' : 'never';
}
