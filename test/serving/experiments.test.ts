/**
 * An A/B experiment in the local serving API, on campaigns the local pipeline trained on the sample data: each
 * shopper keeps the variant the split gives them, the response names it, and the events that follow reach
 * Personalize with the variant as their attribution source, so metric attribution counts each variant apart.
 */
import {
  CreateMetricAttributionCommand,
  ListDatasetGroupsCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { GetRecommendationsCommand, PersonalizeRuntimeClient } from '@aws-sdk/client-personalize-runtime';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseConfig, type PipelineConfig } from '../../core/config';
import { assignVariant } from '../../core/experiments/assignment';
import { call, CLIENTS, servingConfig, startServing, type ServingFixture } from './helpers';

const VARIANTS = [
  { name: 'popular', target: 'popular', share: 50 },
  { name: 'personalized', target: 'user-personalization', share: 50 },
];

function experimentConfig(): PipelineConfig {
  const base = servingConfig();
  return parseConfig({
    ...base,
    serving: {
      ...base.serving,
      experiments: [{ name: 'home', route: 'recommendations', unit: 'user', variants: VARIANTS }],
    },
  });
}

let fx: ServingFixture;
let personalize: PersonalizeClient;

beforeAll(async () => {
  fx = await startServing({}, experimentConfig());
  personalize = new PersonalizeClient({ endpoint: fx.api.emulator.endpoint });
  const groups = await personalize.send(new ListDatasetGroupsCommand({}));
  const datasetGroupArn = groups.datasetGroups?.find(
    (g) => g.name === fx.config.projectName,
  )?.datasetGroupArn;
  await personalize.send(
    new CreateMetricAttributionCommand({
      name: `${fx.config.projectName}-attribution`,
      datasetGroupArn,
      metrics: [{ eventType: 'click', metricName: 'CLICKS', expression: 'SAMPLECOUNT()' }],
      metricsOutputConfig: { roleArn: 'arn:aws:iam::123456789012:role/shop-recs-personalize' },
    }),
  );
}, 600_000);

afterAll(async () => {
  personalize?.destroy();
  await fx?.close();
});

const USERS = Array.from({ length: 30 }, (_, i) => `user-${String(i + 1).padStart(4, '0')}`);

/** The attribution totals the emulator holds, by source, once `expected` events are counted. */
async function attributedClicks(expected: number): Promise<Record<string, number>> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const response = await fetch(`${fx.api.emulator.endpoint}/_emulator/metric-attributions`);
    const { metricAttributions } = (await response.json()) as {
      metricAttributions: Array<{ totals: Array<{ source: string; samples: number }> }>;
    };
    const totals = metricAttributions.flatMap((a) => a.totals);
    if (totals.reduce((sum, t) => sum + t.samples, 0) >= expected)
      return Object.fromEntries(totals.map((t) => [t.source, t.samples]));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the consumer did not deliver ${expected} events in time`);
}

describe('an experiment on the recommendations route', () => {
  test("answers each shopper from their variant's campaign and names the variant", async () => {
    // Prepare
    const ssm = new SSMClient({});
    const serving = JSON.parse(
      (await ssm.send(new GetParameterCommand({ Name: `/${fx.config.projectName}/serving` }))).Parameter
        ?.Value ?? '{}',
    ) as { campaigns: Record<string, string> };
    ssm.destroy();
    const runtime = new PersonalizeRuntimeClient({ endpoint: fx.api.emulator.endpoint });

    for (const userId of USERS.slice(0, 6)) {
      // Act
      const reply = await call(
        fx.api,
        CLIENTS.storefront,
        'GET',
        `/recommendations?userId=${userId}&numResults=5`,
      );

      // Assess
      const variant = assignVariant('home', userId, VARIANTS);
      expect(reply.status).toBe(200);
      expect(reply.body.experiment).toEqual({
        name: 'home',
        variant: variant.name,
        attributionSource: `home:${variant.name}`,
      });
      const direct = await runtime.send(
        new GetRecommendationsCommand({
          campaignArn: serving.campaigns[variant.target],
          userId,
          numResults: 5,
        }),
      );
      expect((reply.body.items as Array<{ itemId: string }>).map((i) => i.itemId)).toEqual(
        (direct.itemList ?? []).map((i) => i.itemId),
      );
    }
    runtime.destroy();
  });

  test('gives both variants to a part of the shoppers, each keeping theirs', async () => {
    const first = new Map<string, string>();
    for (const userId of USERS) {
      const reply = await call(fx.api, CLIENTS.storefront, 'GET', `/recommendations?userId=${userId}`);
      first.set(userId, (reply.body.experiment as { variant: string }).variant);
    }
    const again = await call(fx.api, CLIENTS.storefront, 'GET', `/recommendations?userId=${USERS[0]}`);

    expect(new Set(first.values())).toEqual(new Set(['popular', 'personalized']));
    expect((again.body.experiment as { variant: string }).variant).toBe(first.get(USERS[0] ?? ''));
  });

  test('refuses an event whose attribution source is no variant, naming it', async () => {
    const reply = await call(fx.api, CLIENTS.storefront, 'POST', '/events', {
      sessionId: 's-bad',
      userId: 'user-0001',
      events: [{ eventId: 'bad-1', eventType: 'click', itemId: 'item-0001', attributionSource: 'home:nope' }],
    });

    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain(
      'events[0].attributionSource: unknown attribution source "home:nope"; the API\'s experiments give home:popular, home:personalized',
    );
  });

  test("counts each click under its shopper's variant, whether the event names it or not", async () => {
    // Act: every shopper clicks once; the first ten name their variant, the others leave it to the API
    const expected: Record<string, number> = {};
    for (const [index, userId] of USERS.entries()) {
      const source = `home:${assignVariant('home', userId, VARIANTS).name}`;
      expected[source] = (expected[source] ?? 0) + 1;
      const reply = await call(fx.api, CLIENTS.storefront, 'POST', '/events', {
        sessionId: `s-${userId}`,
        userId,
        events: [
          {
            eventId: `click-${userId}`,
            eventType: 'click',
            itemId: 'item-0001',
            ...(index < 10 ? { attributionSource: source } : {}),
          },
        ],
      });
      expect(reply.status).toBe(202);
    }

    // Assess
    expect(await attributedClicks(USERS.length)).toEqual(expected);
  });
});
