/**
 * Cuts a long text into pieces of about `size` UTF-16 units at newlines that sit between two
 * non-space characters. At such a cut every built-in pre-tokenizer (GPT-2's pattern included) splits
 * anyway, so encoding the pieces one by one gives the same tokens as encoding the whole text.
 */
export function* safeChunks(text: string, size = 1 << 16): Generator<string> {
  let start = 0;
  while (start < text.length) {
    let cut = Math.min(start + size, text.length);
    if (cut < text.length) {
      let p = text.indexOf('\n', cut);
      while (p !== -1 && !(p > start && isSolid(text.charCodeAt(p - 1)) && p + 1 < text.length && isSolid(text.charCodeAt(p + 1)))) p = text.indexOf('\n', p + 1);
      cut = p === -1 ? text.length : p;
    }
    yield text.slice(start, cut);
    start = cut;
  }
}

/** A character that is not whitespace (ASCII-level test; other characters never qualify, to stay safe). */
function isSolid(c: number): boolean {
  return c > 32 && c < 127;
}
