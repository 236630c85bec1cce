/** Minimal RFC 4180 CSV writing with `\n` line endings. */

/** Quotes a value when it contains a comma, quote or line break; doubles embedded quotes. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Renders a header and rows as CSV text ending with a newline. */
export function toCsv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [header, ...rows].map((row) => row.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
