import { startTestEmulator, type TestEmulator } from './helpers';

/** Raw HTTP checks of what the SDK clients rely on: error shapes, headers, status codes. */
describe('the wire protocol', () => {
  let t: TestEmulator;

  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  function control(operation: string, body: unknown): Promise<Response> {
    return fetch(`${t.emulator.endpoint}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': `AmazonPersonalize.${operation}`,
      },
      body: JSON.stringify(body),
    });
  }

  test('a control-plane error is HTTP 400 with __type, message, x-amzn-errortype and a request id', async () => {
    // Act
    const response = await control('DescribeSchema', {
      schemaArn: 'arn:aws:personalize:us-east-1:123456789012:schema/none',
    });
    const body = (await response.json()) as Record<string, string>;

    // Assess
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(body.__type).toBe('ResourceNotFoundException');
    expect(body.message).toContain('schema/none');
  });

  test('an empty body is accepted as {} for operations without required members', async () => {
    // Act
    const response = await fetch(`${t.emulator.endpoint}/`, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AmazonPersonalize.ListSchemas' },
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ schemas: [] });
  });

  test('an unknown target and malformed JSON are named errors, not crashes', async () => {
    // Act
    const unknown = await control('FlyToTheMoon', {});
    const malformed = await fetch(`${t.emulator.endpoint}/`, {
      method: 'POST',
      headers: { 'X-Amz-Target': 'AmazonPersonalize.ListSchemas' },
      body: '{not json',
    });

    // Assess
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });

  test('runtime errors use the restJson1 status codes: 404 for a missing campaign, 400 for bad input', async () => {
    // Act
    const missing = await fetch(`${t.emulator.endpoint}/recommendations`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        campaignArn: 'arn:aws:personalize:us-east-1:123456789012:campaign/none',
        userId: 'u',
      }),
    });
    const bad = await fetch(`${t.emulator.endpoint}/personalize-ranking`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });

    // Assess
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Record<string, string>).__type).toBe('InvalidInputException');
  });

  test('PutItems on a missing dataset is 404', async () => {
    // Act
    const response = await fetch(`${t.emulator.endpoint}/items`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/none/ITEMS',
        items: [{ itemId: 'i1' }],
      }),
    });

    // Assess
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });

  test('GET /_emulator/health reports ok', async () => {
    // Act
    const response = await fetch(`${t.emulator.endpoint}/_emulator/health`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(
      expect.objectContaining({ status: 'ok', region: 'us-east-1', account: '123456789012' }),
    );
  });
});

describe('runtime and events validation limits', () => {
  let t: TestEmulator;
  const campaignArn = 'arn:aws:personalize:us-east-1:123456789012:campaign/any';

  beforeAll(async () => {
    t = await startTestEmulator();
  });
  afterAll(async () => {
    await t.close();
  });

  async function runtimeError(
    body: Record<string, unknown>,
    path = '/recommendations',
  ): Promise<{ status: number; message: string }> {
    const response = await fetch(`${t.emulator.endpoint}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, message: ((await response.json()) as { message: string }).message };
  }

  test('more than 25 filterValues is rejected before the campaign is looked up', async () => {
    // Prepare
    const filterValues = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`P${i}`, '"x"']));

    // Act
    const error = await runtimeError({ campaignArn, userId: 'u', filterValues });

    // Assess
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/filterValues.*less than or equal to 25/);
  });

  test('a filterValues key outside [A-Za-z0-9_] or longer than 50 characters is rejected', async () => {
    // Act
    const badKey = await runtimeError({ campaignArn, userId: 'u', filterValues: { 'bad-key': '"x"' } });
    const longKey = await runtimeError({
      campaignArn,
      userId: 'u',
      filterValues: { ['K'.repeat(51)]: '"x"' },
    });

    // Assess
    expect(badKey.status).toBe(400);
    expect(longKey.message).toMatch(/less than or equal to 50/);
  });

  test('a userId longer than 256 characters and numResults of 51 with metadataColumns are rejected', async () => {
    // Act
    const longUser = await runtimeError({ campaignArn, userId: 'u'.repeat(257) });
    const metadata = await runtimeError({
      campaignArn,
      userId: 'u',
      numResults: 51,
      metadataColumns: { ITEMS: ['BRAND'] },
    });

    // Assess
    expect(longUser.message).toMatch(/userId.*less than or equal to 256/);
    expect(metadata.message).toMatch(/numResults.*less than or equal to 50/);
  });

  test('GetPersonalizedRanking rejects an inputList of more than 500 items', async () => {
    // Act
    const error = await runtimeError(
      { campaignArn, userId: 'u', inputList: Array.from({ length: 501 }, (_, i) => `i${i}`) },
      '/personalize-ranking',
    );

    // Assess
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/inputList.*less than or equal to 500/);
  });

  test('PutEvents without a sessionId or with an empty eventList is rejected', async () => {
    // Act
    const noSession = await runtimeError(
      { trackingId: 't', eventList: [{ eventType: 'view', sentAt: 1 }] },
      '/events',
    );
    const empty = await runtimeError({ trackingId: 't', sessionId: 's', eventList: [] }, '/events');

    // Assess
    expect(noSession.message).toMatch(/sessionId.*must not be null/);
    expect(empty.message).toMatch(/eventList.*greater than or equal to 1/);
  });

  test('PutItems with more than 10 items is rejected', async () => {
    // Act
    const error = await runtimeError(
      {
        datasetArn: 'arn:aws:personalize:us-east-1:123456789012:dataset/g/ITEMS',
        items: Array.from({ length: 11 }, (_, i) => ({ itemId: `i${i}` })),
      },
      '/items',
    );

    // Assess
    expect(error.status).toBe(400);
    expect(error.message).toMatch(/items.*less than or equal to 10/);
  });
});
