/**
 * The shop's catalogue for the storefront page: the rows of the items CSV (the file the pipeline imports),
 * each as its id plus its other columns. The page shows the first `CATEGORY…` column as the category.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

/** One catalogue item as the storefront page receives it. */
export interface CatalogItem {
  readonly id: string;
  /** The first column whose name starts with CATEGORY, when the file has one. */
  readonly category?: string;
  /** Every other column by name, e.g. BRAND, PRICE, DESCRIPTION. */
  readonly fields: Readonly<Record<string, string>>;
}

/** An items CSV the storefront cannot read. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
}

/** Reads an items CSV (header row with ITEM_ID). @throws CatalogError naming the file and what is wrong */
export function readCatalog(file: string): CatalogItem[] {
  let rows: Record<string, string>[];
  try {
    rows = parse(readFileSync(file), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  } catch (error) {
    throw new CatalogError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const header = Object.keys(rows[0] ?? {});
  if (!header.includes('ITEM_ID'))
    throw new CatalogError(`${file}: no ITEM_ID column; the storefront needs the items dataset's CSV`);
  const categoryColumn = header.find((name) => name.startsWith('CATEGORY'));
  return rows.map((row) => {
    const { ITEM_ID: id = '', ...fields } = row;
    const category = categoryColumn === undefined ? undefined : row[categoryColumn];
    return { id, ...(category ? { category } : {}), fields };
  });
}
