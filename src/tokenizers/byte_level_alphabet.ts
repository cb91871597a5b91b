/**
 * GPT-2's reversible map between bytes and printable characters (bytes_to_unicode): printable Latin-1
 * bytes stand for themselves, the other 68 bytes take code points from 256 upwards ('Ġ' is the space).
 */
export const BYTE_TO_CHAR: string[] = [];
export const CHAR_TO_BYTE = new Map<string, number>();

{
  let n = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    const ch = String.fromCharCode(printable ? b : 256 + n++);
    BYTE_TO_CHAR[b] = ch;
    CHAR_TO_BYTE.set(ch, b);
  }
}

/** All 256 byte characters, the initial alphabet of byte-level BPE. */
export function byteLevelAlphabet(): string[] {
  return BYTE_TO_CHAR.slice();
}

const decoder = new TextDecoder('utf-8');

/** Byte-level characters back to text (invalid UTF-8 becomes U+FFFD; unknown characters are kept). */
export function byteLevelDecode(s: string): string {
  const bytes = new Uint8Array(s.length * 4);
  let n = 0;
  let out = '';
  for (const ch of s) {
    const b = CHAR_TO_BYTE.get(ch);
    if (b !== undefined) {
      bytes[n++] = b;
    } else {
      out += decoder.decode(bytes.subarray(0, n)) + ch;
      n = 0;
    }
  }
  return out + decoder.decode(bytes.subarray(0, n));
}
