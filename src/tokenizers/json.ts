import { fail } from '../errors.js';

/** Reading tokenizer.json fields with errors that name the file and the field. */
export type Json = Record<string, unknown>;

export class JsonReader {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly obj: Json,
  ) {}

  static root(file: string, value: unknown): JsonReader {
    if (!isObject(value)) fail('InvalidFile', `${file}: expected a JSON object at the top level, got ${describe(value)}`);
    return new JsonReader(file, '', value);
  }

  private where(key: string): string {
    return `${this.file}: ${this.path ? `${this.path}.` : ''}${key}`;
  }

  bad(key: string, expected: string, got: unknown): never {
    fail('InvalidFile', `${this.where(key)}: expected ${expected}, got ${describe(got)}`);
  }

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  string(key: string, fallback?: string): string {
    const v = this.obj[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'string') this.bad(key, 'a string', v);
    return v;
  }

  optString(key: string): string | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') this.bad(key, 'a string or null', v);
    return v;
  }

  bool(key: string, fallback?: boolean): boolean {
    const v = this.obj[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'boolean') this.bad(key, 'true or false', v);
    return v;
  }

  optBool(key: string): boolean | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'boolean') this.bad(key, 'true, false or null', v);
    return v;
  }

  int(key: string, fallback?: number): number {
    const v = this.obj[key];
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.bad(key, 'a non-negative integer', v);
    return v;
  }

  optNumber(key: string): number | null {
    const v = this.obj[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number') this.bad(key, 'a number or null', v);
    return v;
  }

  child(key: string): JsonReader {
    const v = this.obj[key];
    if (!isObject(v)) this.bad(key, 'an object', v);
    return new JsonReader(this.file, this.path ? `${this.path}.${key}` : key, v);
  }

  optChild(key: string): JsonReader | null {
    return this.has(key) ? this.child(key) : null;
  }

  array(key: string): unknown[] {
    const v = this.obj[key];
    if (!Array.isArray(v)) this.bad(key, 'an array', v);
    return v;
  }

  /** The objects of an array field, each as a reader. */
  children(key: string): JsonReader[] {
    return this.array(key).map((v, i) => {
      const name = `${key}[${i}]`;
      if (!isObject(v)) this.bad(name, 'an object', v);
      return new JsonReader(this.file, this.path ? `${this.path}.${name}` : name, v);
    });
  }

  /** A token → id object; ids must be distinct non-negative integers. */
  vocab(key: string): Map<string, number> {
    const v = this.obj[key];
    if (!isObject(v)) this.bad(key, 'an object of token → id', v);
    const out = new Map<string, number>();
    for (const [tok, id] of Object.entries(v)) {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) this.bad(`${key}[${JSON.stringify(tok)}]`, 'a non-negative integer id', id);
      out.set(tok, id);
    }
    return out;
  }

  type(): string {
    return this.string('type');
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Parses JSON text, naming the file and position on a syntax error. */
export function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    fail('InvalidFile', `${file}: not valid JSON (${(e as Error).message})`);
  }
}
