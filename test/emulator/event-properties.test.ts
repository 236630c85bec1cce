import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateEventTrackerCommand,
  CreateSchemaCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeEventTrackerCommand,
} from '@aws-sdk/client-personalize';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { RESERVED_EVENT_PROPERTIES } from '../../core/serving/requests';
import { startTestEmulator, waitFor, type TestEmulator } from './helpers';

/**
 * PutEvents refuses an event whose `properties` use one of the keywords Personalize reserves (core's
 * RESERVED_EVENT_PROPERTIES, the list the serving API checks too), in any case and as its column name,
 * and records an event whose properties are columns of the Interactions schema.
 */

/** The small interactions schema with one custom column, DEVICE. */
const SCHEMA = JSON.stringify({
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
    { name: 'DEVICE', type: ['null', 'string'] },
  ],
  version: '1.0',
});

let t: TestEmulator;
let trackingId: string;

beforeAll(async () => {
  t = await startTestEmulator();
  const { datasetGroupArn = '' } = await t.control.send(new CreateDatasetGroupCommand({ name: 'props' }));
  await waitFor(
    () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
    (r) => r.datasetGroup?.status === 'ACTIVE',
  );
  const { schemaArn } = await t.control.send(new CreateSchemaCommand({ name: 'props', schema: SCHEMA }));
  const { datasetArn } = await t.control.send(
    new CreateDatasetCommand({ name: 'props', datasetGroupArn, schemaArn, datasetType: 'Interactions' }),
  );
  await waitFor(
    () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
    (r) => r.dataset?.status === 'ACTIVE',
  );
  const created = await t.control.send(new CreateEventTrackerCommand({ name: 'props', datasetGroupArn }));
  await waitFor(
    () => t.control.send(new DescribeEventTrackerCommand({ eventTrackerArn: created.eventTrackerArn })),
    (r) => r.eventTracker?.status === 'ACTIVE',
  );
  trackingId = created.trackingId ?? '';
});

afterAll(async () => {
  await t.close();
});

/** Sends one event with the given properties; the error's name and message, or `accepted`. */
async function send(properties: Record<string, string>): Promise<string> {
  try {
    await t.events.send(
      new PutEventsCommand({
        trackingId,
        sessionId: 's1',
        userId: 'u1',
        eventList: [{ eventType: 'view', itemId: 'i1', sentAt: new Date(), properties }],
      }),
    );
    return 'accepted';
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
}

describe('PutEvents properties', () => {
  test.each([
    ...new Set(
      RESERVED_EVENT_PROPERTIES.flatMap((keyword) => [
        keyword,
        keyword.toUpperCase(),
        keyword.toLowerCase(),
        keyword.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(),
      ]),
    ),
  ])('refuses the reserved keyword %s as a property', async (key) => {
    // Act
    const outcome = await send({ [key]: 'x' });

    // Assess
    expect(outcome).toMatch(
      /^InvalidInputException: eventList\.1\.properties must not contain \w+; it is a top-level event member\.$/,
    );
  });

  test('records a property that is a column of the Interactions schema', async () => {
    expect(await send({ device: 'mobile' })).toBe('accepted');
  });

  test('the reserved keywords are the six PutEvents documents', () => {
    expect([...RESERVED_EVENT_PROPERTIES].sort()).toEqual(
      ['eventType', 'impression', 'recommendationId', 'sessionId', 'timestamp', 'userId'].sort(),
    );
  });
});
