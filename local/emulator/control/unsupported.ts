import type { Handler, HandlerTable } from '../context';
import { UnsupportedOperationException } from '../errors';
import { listingOf } from '../validation';

/** Resource families of the Personalize API the emulator does not implement. */
const FAMILIES: Readonly<Record<string, { operations: readonly string[]; listKey: string; list: string }>> = {
  'dataset export jobs': {
    operations: ['CreateDatasetExportJob', 'DescribeDatasetExportJob'],
    list: 'ListDatasetExportJobs',
    listKey: 'datasetExportJobs',
  },
  'data deletion jobs': {
    operations: ['CreateDataDeletionJob', 'DescribeDataDeletionJob'],
    list: 'ListDataDeletionJobs',
    listKey: 'dataDeletionJobs',
  },
};

function rejecter(operation: string, family: string): Handler {
  return () => {
    throw new UnsupportedOperationException(
      `${operation} is not supported by the emulator: ${family} are not implemented.`,
    );
  };
}

/** A List operation of an unsupported family: always empty, and no `nextToken` was ever issued for it. */
function listNothing(listKey: string): Handler {
  return (_ctx, input) => {
    input.maxResults();
    input.offset(listingOf(listKey));
    return { [listKey]: [] };
  };
}

/**
 * Operations of unsupported families answer `UnsupportedOperationException` ("not supported by the
 * emulator"). Their List operations answer an empty list instead: no such resource can exist here,
 * so that is the true answer, and teardown code that lists everything keeps working.
 */
export const unsupportedOperations: HandlerTable = Object.fromEntries(
  Object.entries(FAMILIES).flatMap(([family, { operations, list, listKey }]) => [
    ...operations.map((op) => [op, rejecter(op, family)] as const),
    [list, listNothing(listKey)] as const,
  ]),
);
