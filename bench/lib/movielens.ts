/**
 * Reads the MovieLens "POC" files (Personalize CSV form) into engine training data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Interaction, ItemRecord, TrainingData } from '../../local/engine';

function readCsv(file: string): Record<string, string>[] {
  return parse(readFileSync(file, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

/** Loads `interactions.csv` (USER_ID, ITEM_ID, TIMESTAMP, EVENT_TYPE) and `items.csv` from `dir`. */
export function loadMovieLens(dir: string): TrainingData {
  const interactions: Interaction[] = readCsv(join(dir, 'interactions.csv')).map((row) => ({
    userId: String(row.USER_ID),
    itemId: String(row.ITEM_ID),
    timestamp: Number(row.TIMESTAMP),
    eventType: row.EVENT_TYPE,
  }));
  const items: ItemRecord[] = readCsv(join(dir, 'items.csv')).map((row) => {
    const { ITEM_ID: itemId, ...rest } = row;
    const fields: ItemRecord['fields'] = {};
    for (const [name, value] of Object.entries(rest)) {
      fields[name] = value !== '' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    }
    return { itemId: String(itemId), fields };
  });
  return { interactions, items, users: [] };
}
