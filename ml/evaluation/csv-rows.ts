/** A numeric CSV as read by {@link parseNumericCsv}: the header and each row by column name. */
export interface NumericCsv {
  readonly columns: readonly string[];
  readonly rows: readonly Record<string, number>[];
}

/**
 * Parses a simple numeric CSV (a header line of column names, then one finite number per cell, comma
 * separated, no quoting; blank lines skipped), strictly: a wrong number of cells or a cell that is not
 * a finite number throws an error naming the line (1-based) and the column.
 *
 * @example
 * parseNumericCsv('a,b\n1,2\n3,4.5\n').rows; // [{ a: 1, b: 2 }, { a: 3, b: 4.5 }]
 */
export function parseNumericCsv(text: string, source = 'csv'): NumericCsv {
  const lines = text.split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) throw new Error(`${source}: empty file (expected a header line of column names)`);
  const columns = lines[headerIndex]!.split(',').map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new Error(`${source}:${headerIndex + 1}: empty column name in the header`);
    if (seen.has(c))
      throw new Error(`${source}:${headerIndex + 1}: column "${c}" appears twice in the header`);
    seen.add(c);
  }
  const rows: Record<string, number>[] = [];
  for (let i = headerIndex + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    const cells = line.split(',');
    if (cells.length !== columns.length) {
      throw new Error(
        `${source}:${i + 1}: ${cells.length} cells, but the header has ${columns.length} columns`,
      );
    }
    const entries: [string, number][] = [];
    cells.forEach((cell, j) => {
      const trimmed = cell.trim();
      const value = Number(trimmed);
      if (trimmed === '' || !Number.isFinite(value)) {
        throw new Error(
          `${source}:${i + 1}: column "${columns[j]}": expected a finite number, got "${cell}"`,
        );
      }
      entries.push([columns[j]!, value]);
    });
    rows.push(Object.fromEntries(entries)); // own properties, even for a column named __proto__
  }
  return { columns, rows };
}
