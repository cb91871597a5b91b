/** A value for an error message: JSON, on one line, cut to a readable length. */
export function preview(v: unknown, max = 80): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
