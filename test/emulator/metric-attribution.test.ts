import { CloudWatchClient, GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import {
  CreateDatasetCommand,
  CreateDatasetGroupCommand,
  CreateDatasetImportJobCommand,
  CreateEventTrackerCommand,
  CreateMetricAttributionCommand,
  CreateSchemaCommand,
  DeleteMetricAttributionCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeMetricAttributionCommand,
  InvalidInputException,
  ListMetricAttributionMetricsCommand,
  ListMetricAttributionsCommand,
  ResourceAlreadyExistsException,
  ResourceNotFoundException,
  UpdateMetricAttributionCommand,
  type MetricAttribute,
} from '@aws-sdk/client-personalize';
import { PutEventsCommand } from '@aws-sdk/client-personalize-events';
import { admin, motoS3, putObjects, startTestEmulator, waitFor, type TestEmulator } from './helpers';

const BUCKET = 'emulator-metric-attribution';
const ROLE = 'arn:aws:iam::123456789012:role/PersonalizeMetrics';
const T0 = 1_700_000_000;

const INTERACTIONS = JSON.stringify({
  type: 'record',
  name: 'Interactions',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'USER_ID', type: 'string' },
    { name: 'ITEM_ID', type: 'string' },
    { name: 'TIMESTAMP', type: 'long' },
    { name: 'EVENT_TYPE', type: 'string' },
    { name: 'EVENT_ATTRIBUTION_SOURCE', type: ['null', 'string'] },
  ],
  version: '1.0',
});
const ITEMS = JSON.stringify({
  type: 'record',
  name: 'Items',
  namespace: 'com.amazonaws.personalize.schema',
  fields: [
    { name: 'ITEM_ID', type: 'string' },
    { name: 'PRICE', type: 'float' },
    { name: 'CATEGORY', type: 'string', categorical: true },
  ],
  version: '1.0',
});

/** Item iN costs N + 0.5. */
function items(): string {
  const lines = ['ITEM_ID,PRICE,CATEGORY'];
  for (let i = 0; i < 20; i += 1) lines.push(`i${i},${i + 0.5},c${i % 3}`);
  return `${lines.join('\n')}\n`;
}

function interactions(rows: readonly [string, string, string][]): string {
  const lines = ['USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_ATTRIBUTION_SOURCE'];
  rows.forEach(([item, type, source], k) => lines.push(`u${k % 5},${item},${T0 + k},${type},${source}`));
  return `${lines.join('\n')}\n`;
}

const METRICS: MetricAttribute[] = [
  { eventType: 'Purchase', metricName: 'REVENUE', expression: 'SUM(Items.PRICE)' },
  { eventType: 'Purchase', metricName: 'PURCHASES', expression: 'SAMPLECOUNT()' },
  { eventType: 'Click', metricName: 'CLICKS', expression: 'SAMPLECOUNT()' },
];

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

interface Group {
  readonly datasetGroupArn: string;
  readonly interactionsArn: string;
  readonly trackingId: string;
}

describe('metric attributions', () => {
  let t: TestEmulator;
  let cloudWatch: CloudWatchClient;
  let shop: Group;
  let attributionArn: string;

  async function group(name: string): Promise<Group> {
    const { datasetGroupArn = '' } = await t.control.send(new CreateDatasetGroupCommand({ name }));
    await waitFor(
      () => t.control.send(new DescribeDatasetGroupCommand({ datasetGroupArn })),
      (r) => r.datasetGroup?.status === 'ACTIVE',
    );
    const arns: Record<string, string> = {};
    for (const [type, schema] of [
      ['Interactions', INTERACTIONS],
      ['Items', ITEMS],
    ] as const) {
      const { schemaArn } = await t.control.send(
        new CreateSchemaCommand({ name: `${name}-${type}`, schema }),
      );
      const { datasetArn = '' } = await t.control.send(
        new CreateDatasetCommand({ name: `${name}-${type}`, datasetGroupArn, schemaArn, datasetType: type }),
      );
      await waitFor(
        () => t.control.send(new DescribeDatasetCommand({ datasetArn })),
        (r) => r.dataset?.status === 'ACTIVE',
      );
      arns[type] = datasetArn;
    }
    await importInto(arns.Items ?? '', `${name}-items`, 'items.csv', 'FULL', false);
    const { eventTrackerArn = '', trackingId = '' } = await t.control.send(
      new CreateEventTrackerCommand({ name: `${name}-tracker`, datasetGroupArn }),
    );
    await waitFor(
      () => t.control.send(new DescribeEventTrackerCommand({ eventTrackerArn })),
      (r) => r.eventTracker?.status === 'ACTIVE',
    );
    return { datasetGroupArn, interactionsArn: arns.Interactions ?? '', trackingId };
  }

  async function importInto(
    datasetArn: string,
    jobName: string,
    key: string,
    importMode: 'FULL' | 'INCREMENTAL',
    publishAttributionMetricsToS3: boolean,
  ): Promise<void> {
    const { datasetImportJobArn } = await t.control.send(
      new CreateDatasetImportJobCommand({
        jobName,
        datasetArn,
        dataSource: { dataLocation: `s3://${BUCKET}/${key}` },
        roleArn: ROLE,
        importMode,
        publishAttributionMetricsToS3,
      }),
    );
    const job = await waitFor(
      () => t.control.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn })),
      (r) => ['ACTIVE', 'CREATE FAILED'].includes(r.datasetImportJob?.status ?? ''),
    );
    if (job.datasetImportJob?.status !== 'ACTIVE')
      throw new Error(`import failed: ${job.datasetImportJob?.failureReason}`);
  }

  async function createAttribution(g: Group, name: string): Promise<string> {
    const { metricAttributionArn = '' } = await t.control.send(
      new CreateMetricAttributionCommand({
        name,
        datasetGroupArn: g.datasetGroupArn,
        metrics: METRICS,
        metricsOutputConfig: { roleArn: ROLE, s3DataDestination: { path: `s3://${BUCKET}/reports/${name}` } },
      }),
    );
    await waitFor(
      () => t.control.send(new DescribeMetricAttributionCommand({ metricAttributionArn })),
      (r) => r.metricAttribution?.status === 'ACTIVE',
    );
    return metricAttributionArn;
  }

  /** Sends events one PutEvents call per 10, each `[itemId, eventType, source?]`. */
  async function send(g: Group, events: readonly [string, string, string?][]): Promise<void> {
    for (let start = 0; start < events.length; start += 10) {
      await t.events.send(
        new PutEventsCommand({
          trackingId: g.trackingId,
          sessionId: `s${start}`,
          userId: `u${start % 7}`,
          eventList: events.slice(start, start + 10).map(([itemId, eventType, source]) => ({
            itemId,
            eventType,
            sentAt: new Date(),
            ...(source ? { metricAttribution: { eventAttributionSource: source } } : {}),
          })),
        }),
      );
    }
  }

  /** CloudWatch's Sum and SampleCount of a metric for one source over the last hour. */
  async function cloudWatchTotals(
    metricName: string,
    source: string,
  ): Promise<{ sum: number; count: number }> {
    const now = Date.now();
    const { Datapoints = [] } = await cloudWatch.send(
      new GetMetricStatisticsCommand({
        Namespace: 'AWS/Personalize',
        MetricName: metricName,
        Dimensions: [{ Name: 'EventAttributionSource', Value: source }],
        StartTime: new Date(now - 3_600_000),
        EndTime: new Date(now + 600_000),
        Period: 60,
        Statistics: ['Sum', 'SampleCount'],
      }),
    );
    return {
      sum: Datapoints.reduce((s, d) => s + (d.Sum ?? 0), 0),
      count: Datapoints.reduce((s, d) => s + (d.SampleCount ?? 0), 0),
    };
  }

  /** The emulator's running totals of the shop's attribution, by `metric/source`. */
  async function totals(): Promise<Record<string, { value: number; samples: number }>> {
    const answer = await admin<{
      metricAttributions: {
        metricAttributionArn: string;
        totals: { metricName: string; source: string; value: number; samples: number }[];
      }[];
    }>(t.emulator.endpoint, '/_emulator/metric-attributions');
    const mine = answer.metricAttributions.find((a) => a.metricAttributionArn === attributionArn);
    return Object.fromEntries(
      (mine?.totals ?? []).map((x) => [
        `${x.metricName}/${x.source}`,
        { value: x.value, samples: x.samples },
      ]),
    );
  }

  beforeAll(async () => {
    t = await startTestEmulator({ quotas: { datasetGroups: 10 } });
    cloudWatch = new CloudWatchClient({
      endpoint: process.env.MOTO_ENDPOINT,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 1,
    });
    const s3 = motoS3();
    await putObjects(s3, BUCKET, {
      'items.csv': items(),
      'full.csv': interactions([
        ['i1', 'Purchase', 'newsletter'],
        ['i1', 'Purchase', 'newsletter'],
        ['i3', 'Purchase', 'newsletter'],
        ['i2', 'Click', 'newsletter'],
        ['i2', 'View', 'newsletter'],
      ]),
      'incremental.csv': interactions([
        ['i4', 'Purchase', 'partner'],
        ['i5', 'Purchase', 'partner'],
        ['i6', 'Click', 'partner'],
      ]),
    });
    s3.destroy();
    shop = await group('shop');
    attributionArn = await createAttribution(shop, 'shop-impact');
  });
  afterAll(async () => {
    cloudWatch.destroy();
    await t.close();
  });

  test('a metric attribution is created ACTIVE, described with its output config, listed, and its metrics listed', async () => {
    // Act
    const { metricAttribution } = await t.control.send(
      new DescribeMetricAttributionCommand({ metricAttributionArn: attributionArn }),
    );
    const listed = await t.control.send(
      new ListMetricAttributionsCommand({ datasetGroupArn: shop.datasetGroupArn }),
    );
    const metrics = await t.control.send(
      new ListMetricAttributionMetricsCommand({ metricAttributionArn: attributionArn }),
    );

    // Assess
    expect(attributionArn).toBe('arn:aws:personalize:us-east-1:123456789012:metric-attribution/shop-impact');
    expect(metricAttribution).toMatchObject({
      name: 'shop-impact',
      datasetGroupArn: shop.datasetGroupArn,
      status: 'ACTIVE',
      metricsOutputConfig: {
        roleArn: ROLE,
        s3DataDestination: { path: `s3://${BUCKET}/reports/shop-impact` },
      },
    });
    expect(listed.metricAttributions?.map((a) => a.metricAttributionArn)).toEqual([attributionArn]);
    expect(metrics.metrics).toEqual(METRICS);
  });

  test('PutEvents are counted per eventAttributionSource, and CloudWatch shows the same counts and revenue', async () => {
    // Prepare: 7 purchases of i2 (2.5 each) and 3 clicks from carousel-a, 4 purchases of i10 from carousel-b,
    // 2 purchases without a source.
    const events: [string, string, string?][] = [
      ...Array.from({ length: 7 }, (): [string, string, string] => ['i2', 'Purchase', 'carousel-a']),
      ...Array.from({ length: 3 }, (): [string, string, string] => ['i7', 'Click', 'carousel-a']),
      ...Array.from({ length: 4 }, (): [string, string, string] => ['i10', 'Purchase', 'carousel-b']),
      ['i1', 'Purchase'],
      ['i1', 'Purchase'],
      ['i1', 'View', 'carousel-a'],
    ];

    // Act
    await send(shop, events);
    await t.emulator.flushReports();
    const counted = await totals();
    const a = await cloudWatchTotals('PURCHASES', 'carousel-a');
    const aRevenue = await cloudWatchTotals('REVENUE', 'carousel-a');
    const aClicks = await cloudWatchTotals('CLICKS', 'carousel-a');
    const b = await cloudWatchTotals('PURCHASES', 'carousel-b');
    const bRevenue = await cloudWatchTotals('REVENUE', 'carousel-b');
    const undefinedSource = await cloudWatchTotals('PURCHASES', 'SOURCE_NAME_UNDEFINED');

    // Assess
    expect(counted['PURCHASES/carousel-a']).toEqual({ value: 7, samples: 7 });
    expect(counted['REVENUE/carousel-a']).toEqual({ value: 17.5, samples: 7 });
    expect(counted['CLICKS/carousel-a']).toEqual({ value: 3, samples: 3 });
    expect(counted['PURCHASES/carousel-b']).toEqual({ value: 4, samples: 4 });
    expect(counted['REVENUE/carousel-b']).toEqual({ value: 42, samples: 4 });
    expect(counted['PURCHASES/SOURCE_NAME_UNDEFINED']).toEqual({ value: 2, samples: 2 });
    expect(a).toEqual({ sum: 7, count: 7 });
    expect(aRevenue.sum).toBeCloseTo(17.5);
    expect(aClicks).toEqual({ sum: 3, count: 3 });
    expect(b).toEqual({ sum: 4, count: 4 });
    expect(bRevenue.sum).toBeCloseTo(42);
    expect(undefinedSource).toEqual({ sum: 2, count: 2 });
  });

  test('a FULL import with publishAttributionMetricsToS3 writes an S3 report, an INCREMENTAL import goes to CloudWatch', async () => {
    // Act
    await importInto(shop.interactionsArn, 'full-with-report', 'full.csv', 'FULL', true);
    await importInto(shop.interactionsArn, 'incremental', 'incremental.csv', 'INCREMENTAL', false);
    await t.emulator.flushReports();
    const s3 = motoS3();
    const object = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/shop-impact/full-with-report/metrics.json' }),
    );
    const report = (await object.Body?.transformToString())
      ?.trim()
      .split('\n')
      .map(
        (line) => JSON.parse(line) as { metricName: string; eventAttributionSource: string; value: number },
      );
    s3.destroy();
    const newsletter = await cloudWatchTotals('PURCHASES', 'newsletter');
    const partner = await cloudWatchTotals('PURCHASES', 'partner');
    const partnerRevenue = await cloudWatchTotals('REVENUE', 'partner');
    const counted = await totals();

    // Assess
    expect(report).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ metricName: 'PURCHASES', eventAttributionSource: 'newsletter', value: 3 }),
        expect.objectContaining({ metricName: 'REVENUE', eventAttributionSource: 'newsletter', value: 6.5 }),
        expect.objectContaining({ metricName: 'CLICKS', eventAttributionSource: 'newsletter', value: 1 }),
      ]),
    );
    expect(newsletter).toEqual({ sum: 0, count: 0 });
    expect(partner).toEqual({ sum: 2, count: 2 });
    expect(partnerRevenue.sum).toBeCloseTo(10);
    expect(counted['PURCHASES/newsletter']).toEqual({ value: 3, samples: 3 });
    expect(counted['PURCHASES/partner']).toEqual({ value: 2, samples: 2 });
  });

  test('UpdateMetricAttribution adds and removes metrics, and refuses a taken name or an unknown one', async () => {
    // Prepare
    const g = await group('update-group');
    const arn = await createAttribution(g, 'update-me');

    // Act
    await t.control.send(
      new UpdateMetricAttributionCommand({
        metricAttributionArn: arn,
        addMetrics: [{ eventType: 'View', metricName: 'VIEWS', expression: 'SAMPLECOUNT()' }],
        removeMetrics: ['CLICKS'],
      }),
    );
    const after = await t.control.send(
      new ListMetricAttributionMetricsCommand({ metricAttributionArn: arn }),
    );
    const taken = await failure(
      t.control.send(
        new UpdateMetricAttributionCommand({
          metricAttributionArn: arn,
          addMetrics: [{ eventType: 'View', metricName: 'VIEWS', expression: 'SAMPLECOUNT()' }],
        }),
      ),
    );
    const unknown = await failure(
      t.control.send(
        new UpdateMetricAttributionCommand({ metricAttributionArn: arn, removeMetrics: ['NOPE'] }),
      ),
    );
    const missing = await failure(
      t.control.send(
        new UpdateMetricAttributionCommand({
          metricAttributionArn: 'arn:aws:personalize:us-east-1:123456789012:metric-attribution/none',
          removeMetrics: ['CLICKS'],
        }),
      ),
    );

    // Assess
    expect(after.metrics?.map((m) => m.metricName)).toEqual(['REVENUE', 'PURCHASES', 'VIEWS']);
    expect(taken).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(unknown).toBeInstanceOf(InvalidInputException);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
  });

  test('CreateMetricAttribution names each mistake: a second one in the group, taken name, bad expression, text column, too many metrics, missing group', async () => {
    // Prepare
    const g = await group('mistakes-group');
    const attempt = (input: Partial<ConstructorParameters<typeof CreateMetricAttributionCommand>[0]>) =>
      failure(
        t.control.send(
          new CreateMetricAttributionCommand({
            name: 'mistake',
            datasetGroupArn: g.datasetGroupArn,
            metrics: METRICS,
            metricsOutputConfig: { roleArn: ROLE },
            ...input,
          }),
        ),
      );

    // Act
    const second = await attempt({ datasetGroupArn: shop.datasetGroupArn });
    const taken = await attempt({ name: 'shop-impact' });
    const badExpression = await attempt({
      metrics: [{ eventType: 'Purchase', metricName: 'M', expression: 'AVG(Items.PRICE)' }],
    });
    const textColumn = await attempt({
      metrics: [{ eventType: 'Purchase', metricName: 'M', expression: 'SUM(Items.CATEGORY)' }],
    });
    const tooMany = await attempt({
      metrics: Array.from({ length: 11 }, (_, i) => ({
        eventType: 'Purchase',
        metricName: `M${i}`,
        expression: 'SAMPLECOUNT()',
      })),
    });
    const noRole = await attempt({ metricsOutputConfig: {} as never });
    const noGroup = await attempt({
      datasetGroupArn: 'arn:aws:personalize:us-east-1:123456789012:dataset-group/none',
    });

    // Assess
    expect(second).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(taken).toBeInstanceOf(ResourceAlreadyExistsException);
    expect(badExpression).toBeInstanceOf(InvalidInputException);
    expect(textColumn).toBeInstanceOf(InvalidInputException);
    expect(tooMany).toBeInstanceOf(InvalidInputException);
    expect(noRole).toBeInstanceOf(InvalidInputException);
    expect(noGroup).toBeInstanceOf(ResourceNotFoundException);
  });

  test('DeleteMetricAttribution goes DELETE PENDING → gone, after which events are no longer counted', async () => {
    // Prepare
    const g = await group('delete-group');
    const arn = await createAttribution(g, 'delete-me');

    // Act
    await t.control.send(new DeleteMetricAttributionCommand({ metricAttributionArn: arn }));
    const gone = await waitFor(
      () =>
        t.control.send(new DescribeMetricAttributionCommand({ metricAttributionArn: arn })).then(
          (r) => r.metricAttribution?.status ?? '',
          (error: Error) => error.name,
        ),
      (status) => status === 'ResourceNotFoundException',
    );
    await send(g, [['i1', 'Purchase', 'after-delete']]);
    await t.emulator.flushReports();
    const after = await cloudWatchTotals('PURCHASES', 'after-delete');
    const again = await failure(
      t.control.send(new DeleteMetricAttributionCommand({ metricAttributionArn: arn })),
    );

    // Assess
    expect(gone).toBe('ResourceNotFoundException');
    expect(after).toEqual({ sum: 0, count: 0 });
    expect(again).toBeInstanceOf(ResourceNotFoundException);
  });

  test('Describe of a missing metric attribution is ResourceNotFoundException, ListMetricAttributionMetrics of one is InvalidInputException', async () => {
    // Prepare
    const metricAttributionArn = 'arn:aws:personalize:us-east-1:123456789012:metric-attribution/none';

    // Act
    const described = await failure(
      t.control.send(new DescribeMetricAttributionCommand({ metricAttributionArn })),
    );
    const listed = await failure(
      t.control.send(new ListMetricAttributionMetricsCommand({ metricAttributionArn })),
    );

    // Assess
    expect(described).toBeInstanceOf(ResourceNotFoundException);
    expect(listed).toBeInstanceOf(InvalidInputException);
  });
});
