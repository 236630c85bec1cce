import type { CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import * as z from 'zod/mini';
import { loadConfig, type PipelineConfig, type ServingSettings } from '../../core/config';
import { iamPatternMatches } from '../../core/names';
import type { ServingRoute } from '../../core/config/serving-routes';
import { EVENT_QUEUE_SETTINGS, SERVING_HANDLERS, type ServingHandler } from '../../core/serving/handlers';
import { REQUEST_BODY_SCHEMAS } from '../../core/serving/requests';
import { SERVING_API } from '../../core/serving/routes';
import { attachNag, buildApp } from '../../lib/app';
import { FIXED_ENVIRONMENT_VARIABLES, VPC_ACCESS_ACTIONS } from '../../lib/constructs/handler-function';
import { requestModelSchema } from '../../lib/constructs/request-models';
import { ServingStack } from '../../lib/stacks/serving-stack';
import { testApp } from '../util/app';
import { personalizeResourcesOf, policiesOf, renderValue, TEST_ENV } from './iam';

const sample = loadConfig('personalize.config.json');
const env = { account: TEST_ENV.account, region: TEST_ENV.region };

/** The sample config with its `serving` section changed. */
function withServing(changes: Partial<ServingSettings>): PipelineConfig {
  if (!sample.serving) throw new Error('The sample config has a serving section');
  return { ...sample, serving: { ...sample.serving, ...changes } };
}

function synth(config: PipelineConfig = sample) {
  const app = testApp();
  const stacks = buildApp(app, config, { env });
  const serving = stacks.serving;
  if (!serving) throw new Error('no ServingStack');
  return { app, stacks, serving, template: Template.fromStack(serving) };
}

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
}

function resources(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return element.stack.getLogicalId(element);
}

/** Each method of the API by `METHOD /path`, with the resource path built from the resources' path parts. */
function methodsOf(template: Template): Record<string, Record<string, unknown>> {
  const parts = resources(template, 'AWS::ApiGateway::Resource');
  const pathOf = (id: unknown): string => {
    const ref = (id as { Ref?: string }).Ref;
    const resource = ref === undefined ? undefined : parts[ref];
    if (!resource) return '';
    return `${pathOf(resource.Properties.ParentId)}/${String(resource.Properties.PathPart)}`;
  };
  return Object.fromEntries(
    Object.values(resources(template, 'AWS::ApiGateway::Method')).map((method) => [
      `${String(method.Properties.HttpMethod)} ${pathOf(method.Properties.ResourceId) || '/'}`,
      method.Properties,
    ]),
  );
}

/** What each body model must hold, written out: its required members, list limits and strictness. */
const REQUIRED_IN_MODEL: Readonly<Partial<Record<ServingRoute, Record<string, unknown>>>> = {
  ranking: {
    required: ['itemIds'],
    anyOf: [{ required: ['userId'] }, { required: ['sessionId'] }],
    additionalProperties: false,
    properties: { itemIds: { type: 'array', minItems: 1, maxItems: 500 } },
  },
  events: {
    required: ['sessionId', 'events'],
    additionalProperties: false,
    properties: {
      events: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: { required: ['eventId', 'eventType', 'itemId'], additionalProperties: false },
      },
    },
  },
  items: {
    required: ['items'],
    properties: { items: { maxItems: 10, items: { required: ['itemId'], additionalProperties: false } } },
  },
  users: {
    required: ['users'],
    properties: { users: { maxItems: 10, items: { required: ['userId'], additionalProperties: false } } },
  },
};

function routeLine(spec: (typeof SERVING_API)[number]): string {
  return `${spec.method} ${spec.resourcePath}`;
}

const fixture = synth();
const { stacks, serving, template } = fixture;
const methods = methodsOf(template);
const clients = sample.serving?.clients ?? [];

describe('ServingStack', () => {
  test('a config without a serving section synthesizes no ServingStack', () => {
    // Act
    const app = testApp();
    const built = buildApp(app, { ...sample, serving: undefined }, { env });

    // Assess
    expect(built.serving).toBeUndefined();
    expect(app.node.children.map((child) => child.node.id)).toEqual([
      `${sample.projectName}-data`,
      `${sample.projectName}-network`,
      `${sample.projectName}-pipeline`,
      `${sample.projectName}-monitoring`,
    ]);
  });

  test('every route of the API is deployed, each proxied to the function of its handler', () => {
    const routes = Object.keys(methods).filter((line) => !line.startsWith('OPTIONS'));

    expect(routes.sort()).toEqual(SERVING_API.map(routeLine).sort());
    for (const spec of SERVING_API) {
      const integration = methods[routeLine(spec)]?.Integration as { Type: string; Uri: unknown };
      expect(integration.Type).toBe('AWS_PROXY');
      expect(renderValue(integration.Uri)).toContain(
        `<${logicalIdOf(serving.functions[spec.handler]?.function as IConstruct)}.Arn>`,
      );
    }
  });

  test('every method requires an API key; PUT /items and PUT /users also require IAM (SigV4), the others no more', () => {
    for (const spec of SERVING_API) {
      const method = methods[routeLine(spec)];
      expect({
        route: spec.route,
        apiKeyRequired: method?.ApiKeyRequired,
        authorization: method?.AuthorizationType,
      }).toEqual({
        route: spec.route,
        apiKeyRequired: true,
        authorization: ['items', 'users'].includes(spec.route) ? 'AWS_IAM' : 'NONE',
      });
    }
  });

  test('a read route without a campaign in the config is not deployed, nor is its campaign granted', () => {
    // Act
    const only = synth(withServing({ campaigns: { recommendations: 'user-personalization' } }));
    const lines = Object.keys(methodsOf(only.template));
    const runtime = policiesOf(only.app, [only.serving])
      .flatMap((policy) => policy.statements)
      .filter((s) => s.actions.includes('personalize:GetRecommendations'))
      .flatMap((s) => s.resources.filter((r) => r.includes(':campaign/')));

    // Assess
    expect(lines).toContain('GET /recommendations');
    expect(lines).not.toContain('GET /popular');
    expect(lines).not.toContain('POST /rankings');
    expect(lines).not.toContain('GET /items/{itemId}/related');
    expect(runtime).toEqual([expect.stringMatching(/:campaign\/shop-recs-user-personalization$/)]);
  });

  test("an experiment's variants are granted and its functions get the experiments; recommenders are granted by exact name", () => {
    // Prepare
    const experiments = [
      {
        name: 'home',
        route: 'recommendations' as const,
        unit: 'user' as const,
        variants: [
          { name: 'popular', target: 'popular', share: 50 },
          { name: 'personal', target: 'user-personalization', share: 50 },
        ],
      },
    ];
    const config = withServing({ campaigns: { recommendations: 'user-personalization' }, experiments });
    const domain: PipelineConfig = {
      ...config,
      datasetGroup: { domain: 'ECOMMERCE' },
      recommenders: [
        {
          name: 'for-you',
          useCase: 'aws-ecomm-recommended-for-you',
          recommenderConfig: { minRecommendationRequestsPerSecond: 1 },
          stopped: false,
        },
      ],
      serving: { ...config.serving!, campaigns: { recommendations: 'for-you' } }, // eslint-disable-line @typescript-eslint/no-non-null-assertion
    };

    // Act
    const withExperiment = synth(config);
    const withRecommender = synth(domain);
    const runtimeResources = (app: ReturnType<typeof synth>) =>
      policiesOf(app.app, [app.serving])
        .flatMap((policy) => policy.statements)
        .filter((s) => s.actions.includes('personalize:GetRecommendations'))
        .flatMap((s) => s.resources.filter((r) => !r.includes(':filter/')));

    // Assess
    expect(runtimeResources(withExperiment).sort()).toEqual([
      expect.stringMatching(/:campaign\/shop-recs-popular$/),
      expect.stringMatching(/:campaign\/shop-recs-user-personalization$/),
    ]);
    expect(runtimeResources(withRecommender).sort()).toEqual([
      expect.stringMatching(/:campaign\/shop-recs-popular$/),
      expect.stringMatching(/:campaign\/shop-recs-user-personalization$/),
      expect.stringMatching(/:recommender\/shop-recs-for-you$/),
    ]);
    withExperiment.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ EXPERIMENTS: JSON.stringify(experiments) }) },
    });
  });

  test('one API key and one usage plan per client, each plan with its client throttle and quota', () => {
    const keys = resources(template, 'AWS::ApiGateway::ApiKey');
    const plans = resources(template, 'AWS::ApiGateway::UsagePlan');
    const links = Object.values(resources(template, 'AWS::ApiGateway::UsagePlanKey')).map((link) => ({
      key: renderValue(link.Properties.KeyId),
      plan: renderValue(link.Properties.UsagePlanId),
    }));

    expect(Object.keys(keys)).toHaveLength(clients.length);
    expect(Object.keys(plans)).toHaveLength(clients.length);
    for (const client of clients) {
      const key = logicalIdOf(serving.api.apiKeys[client.name] as IConstruct);
      const plan = logicalIdOf(serving.api.usagePlans[client.name] as IConstruct);
      expect(links).toContainEqual({ key: `<${key}>`, plan: `<${plan}>` });
      expect(plans[plan]?.Properties.Throttle).toEqual({
        RateLimit: client.rateLimit,
        BurstLimit: client.burstLimit,
      });
      expect(plans[plan]?.Properties.Quota).toEqual(
        client.quota ? { Limit: client.quota.limit, Period: client.quota.period } : undefined,
      );
      expect(plans[plan]?.Properties.ApiStages).toEqual([
        expect.objectContaining({
          ApiId: { Ref: logicalIdOf(serving.api.api) },
          Stage: { Ref: logicalIdOf(serving.api.stage) },
        }),
      ]);
      expect(keys[key]?.Properties.Value).toBeUndefined();
    }
    expect(clients.find((c) => c.name === 'catalog-sync')?.quota).toEqual({ limit: 100000, period: 'DAY' });
  });

  test.each(['recommendations', 'events', 'catalog'] as const)(
    'the %s function authorizes by API_CLIENTS: each client key id mapped to its client and routes',
    (handler) => {
      // Prepare
      const fn = resources(template, 'AWS::Lambda::Function')[
        logicalIdOf(serving.functions[handler]?.function as IConstruct)
      ];
      const variables = (fn?.Properties.Environment as { Variables: Record<string, unknown> }).Variables;

      // Act
      const apiClients = JSON.parse(renderValue(variables.API_CLIENTS)) as unknown;

      // Assess
      expect(apiClients).toEqual(
        Object.fromEntries(
          clients.map((client) => [
            `<${logicalIdOf(serving.api.apiKeys[client.name] as IConstruct)}>`,
            { client: client.name, routes: client.routes },
          ]),
        ),
      );
    },
  );

  test('one validator checks bodies and parameters of every method; bodies have a JSON model, GET related requires itemId', () => {
    const validators = Object.entries(resources(template, 'AWS::ApiGateway::RequestValidator'));
    expect(validators).toHaveLength(1);
    const [validatorId, validator] = validators[0] ?? [];
    expect(validator?.Properties).toMatchObject({
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });

    for (const spec of SERVING_API) {
      const method = methods[routeLine(spec)] ?? {};
      expect(method.RequestValidatorId).toEqual({ Ref: validatorId });
      const model = (method.RequestModels as Record<string, { Ref: string }> | undefined)?.[
        'application/json'
      ];
      if (spec.method === 'GET') expect(model).toBeUndefined();
      else
        expect(resources(template, 'AWS::ApiGateway::Model')[model?.Ref ?? '']?.Properties.ContentType).toBe(
          'application/json',
        );
    }
    expect(methods['GET /items/{itemId}/related']?.RequestParameters).toEqual({
      'method.request.path.itemId': true,
    });
  });

  test.each(SERVING_API.filter((spec) => spec.method !== 'GET'))(
    "$method $resourcePath validates its body against the model generated from its handler's zod schema",
    (spec) => {
      // Prepare
      const schema = (REQUEST_BODY_SCHEMAS as Readonly<Partial<Record<ServingRoute, z.core.$ZodType>>>)[
        spec.route
      ];
      if (!schema) throw new Error(`no body schema for ${spec.route}`);
      const ref = (methods[routeLine(spec)]?.RequestModels as Record<string, { Ref: string }>)[
        'application/json'
      ];

      // Act
      const model = resources(template, 'AWS::ApiGateway::Model')[ref?.Ref ?? '']?.Properties;

      // Assess
      expect(model?.Schema).toEqual({
        $schema: 'http://json-schema.org/draft-04/schema#',
        ...requestModelSchema(schema),
      });
      expect(model?.Schema).toMatchObject(REQUIRED_IN_MODEL[spec.route] ?? {});
    },
  );

  test('CORS preflights answer exactly the configured origins, on the browser routes only', () => {
    const preflights = Object.entries(methods).filter(([line]) => line.startsWith('OPTIONS'));
    const origins = preflights.map(([, method]) => {
      const [response] = (
        method.Integration as { IntegrationResponses: Array<{ ResponseParameters: Record<string, string> }> }
      ).IntegrationResponses;
      return response?.ResponseParameters['method.response.header.Access-Control-Allow-Origin'];
    });

    expect(preflights.map(([line]) => line.replace('OPTIONS ', '')).sort()).toEqual(
      SERVING_API.filter((s) => !['items', 'users'].includes(s.route))
        .map((s) => s.resourcePath)
        .sort(),
    );
    expect(new Set(origins)).toEqual(new Set(["'http://localhost:8080'"]));
    for (const response of Object.values(resources(template, 'AWS::ApiGateway::GatewayResponse'))) {
      expect(response.Properties.ResponseParameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'http://localhost:8080'",
      });
    }
  });

  test('without allowed origins there is no CORS at all; with several, each preflight allows those only and the gateway errors say *', () => {
    // Act
    const none = synth(withServing({ allowedOrigins: [] })).template;
    const several = synth(
      withServing({ allowedOrigins: ['https://a.example.com', 'https://b.example.com'] }),
    ).template;
    const preflight = Object.entries(methodsOf(several)).find(
      ([line]) => line === 'OPTIONS /recommendations',
    )?.[1];

    // Assess
    expect(Object.keys(methodsOf(none)).filter((line) => line.startsWith('OPTIONS'))).toEqual([]);
    expect(JSON.stringify(none.toJSON())).not.toContain('Access-Control-Allow-Origin');
    const text = JSON.stringify(preflight);
    expect(text).toContain('https://a.example.com');
    expect(text).toContain('https://b.example.com');
    expect(text.match(/https?:\/\/[a-z0-9.:-]+/g)?.every((o) => o.endsWith('.example.com'))).toBe(true);
    for (const response of Object.values(resources(several, 'AWS::ApiGateway::GatewayResponse')))
      expect(response.Properties.ResponseParameters).toEqual({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
      });
    expect(Object.keys(resources(none, 'AWS::ApiGateway::GatewayResponse'))).toHaveLength(2);
  });

  test('the stage writes JSON access logs with request id, key id, status and latency to a group encrypted with the project key', () => {
    const [stage] = Object.values(resources(template, 'AWS::ApiGateway::Stage'));
    const access = stage?.Properties.AccessLogSetting as { DestinationArn: unknown; Format: string };
    const format = JSON.parse(access.Format) as Record<string, string>;
    const group = resources(template, 'AWS::Logs::LogGroup')[
      renderValue(access.DestinationArn).replace(/^<|\.Arn>$/g, '')
    ];

    expect(format).toMatchObject({
      requestId: '$context.requestId',
      apiKeyId: '$context.identity.apiKeyId',
      status: '$context.status',
      latency: '$context.responseLatency',
    });
    expect(renderValue(group?.Properties.KmsKeyId)).toMatch(/DataKey/);
    expect(group?.Properties.RetentionInDays).toBeGreaterThan(0);
  });

  test('the stage traces with X-Ray, logs errors (no data) to an encrypted execution log group and throttles all clients together', () => {
    const [stageId, stage] = Object.entries(resources(template, 'AWS::ApiGateway::Stage'))[0] ?? [];
    const groups = Object.entries(resources(template, 'AWS::Logs::LogGroup'));
    const execution = groups.find(([, g]) =>
      renderValue(g.Properties.LogGroupName ?? '').startsWith('API-Gateway-Execution-Logs_'),
    );

    expect(stageId).toBeDefined();
    expect(stage?.Properties.TracingEnabled).toBe(true);
    expect(stage?.Properties.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
        ThrottlingRateLimit: clients.reduce((sum, c) => sum + c.rateLimit, 0),
        ThrottlingBurstLimit: clients.reduce((sum, c) => sum + c.burstLimit, 0),
      }),
    ]);
    expect(renderValue(execution?.[1].Properties.LogGroupName)).toBe(
      `API-Gateway-Execution-Logs_<${logicalIdOf(serving.api.api)}>/v1`,
    );
    expect(renderValue(execution?.[1].Properties.KmsKeyId)).toMatch(/DataKey/);
    expect(stage?.DependsOn).toContain(execution?.[0]);
  });

  test('the event queue and its dead-letter queue are encrypted with the project key and TLS only; a message moves after maxReceiveCount deliveries', () => {
    const queue = serving.eventQueue;
    if (!queue) throw new Error('no event queue');
    const all = resources(template, 'AWS::SQS::Queue');
    const main = all[logicalIdOf(queue.queue)]?.Properties;
    const dead = all[logicalIdOf(queue.deadLetterQueue)]?.Properties;

    for (const props of [main, dead]) expect(renderValue(props?.KmsMasterKeyId)).toMatch(/DataKey/);
    expect(main?.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalIdOf(queue.deadLetterQueue), 'Arn'] },
      maxReceiveCount: EVENT_QUEUE_SETTINGS.maxReceiveCount,
    });
    expect(dead?.MessageRetentionPeriod).toBe(14 * 24 * 60 * 60);
    const denies = Object.values(resources(template, 'AWS::SQS::QueuePolicy')).flatMap((policy) =>
      (
        policy.Properties.PolicyDocument as { Statement: Array<{ Effect: string; Condition?: unknown }> }
      ).Statement.filter((s) => s.Effect === 'Deny'),
    );
    expect(denies).toHaveLength(2);
    for (const deny of denies) expect(deny.Condition).toEqual({ Bool: { 'aws:SecureTransport': 'false' } });
  });

  test('the idempotency table: key id, TTL on expiration, on demand, the project key, point-in-time recovery', () => {
    const [table] = Object.values(resources(template, 'AWS::DynamoDB::Table'));

    expect(table?.Properties).toMatchObject({
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(
      renderValue((table?.Properties.SSESpecification as { KMSMasterKeyId: unknown }).KMSMasterKeyId),
    ).toMatch(/DataKey/);
  });

  test('the consumer reads the queue in batches of EVENT_QUEUE_SETTINGS.batchSize and reports partial batch failures', () => {
    const mappings = Object.values(resources(template, 'AWS::Lambda::EventSourceMapping'));

    expect(mappings).toHaveLength(1);
    expect(mappings[0]?.Properties).toMatchObject({
      BatchSize: EVENT_QUEUE_SETTINGS.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': [logicalIdOf(serving.eventQueue?.queue as IConstruct), 'Arn'] },
      FunctionName: { Ref: logicalIdOf(serving.functions['event-consumer']?.function as IConstruct) },
    });
  });

  test('a message in the dead-letter queue alarms the pipeline topic, with a description that says what to do', () => {
    const [alarm] = Object.values(resources(template, 'AWS::CloudWatch::Alarm'));
    const description = renderValue(alarm?.Properties.AlarmDescription);
    const topic = `<${stacks.pipeline.resolve(stacks.pipeline.topic.topicArn).Ref as string}>`;

    expect(alarm?.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: {
            'Fn::GetAtt': [logicalIdOf(serving.eventQueue?.deadLetterQueue as IConstruct), 'QueueName'],
          },
        },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    expect((alarm?.Properties.AlarmActions as unknown[]).map(renderValue)).toEqual([
      expect.stringContaining('Notifications'),
    ]);
    expect(topic).toMatch(/Notifications/);
    expect(description).toContain('dead-letter queue');
    expect(description).toContain('aws sqs start-message-move-task');
  });

  test.each(Object.keys(SERVING_HANDLERS) as ServingHandler[])(
    'the %s function is given exactly the variables its handler reads, besides the fixed ones',
    (handler) => {
      const fn = resources(template, 'AWS::Lambda::Function')[
        logicalIdOf(serving.functions[handler]?.function as IConstruct)
      ];
      const variables = Object.keys((fn?.Properties.Environment as { Variables: object }).Variables);

      expect(variables.sort()).toEqual(
        [...SERVING_HANDLERS[handler].environment, ...FIXED_ENVIRONMENT_VARIABLES].sort(),
      );
    },
  );

  test.each(Object.keys(SERVING_HANDLERS) as ServingHandler[])(
    'the %s function role holds exactly its handler actions, plus its own logs, X-Ray and network interfaces',
    (handler) => {
      // Prepare
      const role = logicalIdOf(serving.functions[handler]?.role as IConstruct);
      const spec = SERVING_HANDLERS[handler];

      // Act
      const actions = policiesOf(fixture.app, [serving])
        .filter((policy) => policy.roles.includes(role))
        .flatMap((policy) => policy.statements.flatMap((s) => s.actions));

      // Assess
      expect([...new Set(actions)].sort()).toEqual(
        [
          ...new Set([
            ...spec.permissions,
            ...(spec.eventSource ?? []),
            'logs:CreateLogStream',
            'logs:PutLogEvents',
            'xray:PutTelemetryRecords',
            'xray:PutTraceSegments',
            ...VPC_ACCESS_ACTIONS,
          ]),
        ].sort(),
      );
    },
  );

  test('no statement of the ServingStack matches a resource of a project named shop-recs-eu', () => {
    // Prepare
    const foreign = [
      ...Object.values(personalizeResourcesOf(sample, 'shop-recs-eu')).flat(),
      `arn:aws:ssm:${TEST_ENV.region}:${TEST_ENV.account}:parameter/shop-recs-eu/serving`,
      `arn:aws:ssm:${TEST_ENV.region}:${TEST_ENV.account}:parameter/shop-recs-eu/event-tracker`,
      `arn:aws:s3:::shop-recs-eu-${TEST_ENV.account}-${TEST_ENV.region}/events-archive/2026/03/04/m-1.csv`,
    ];

    // Act
    const reached = policiesOf(fixture.app, [serving]).flatMap((policy) =>
      policy.statements.flatMap((s) =>
        s.resources
          // "*" holds only the actions IAM cannot scope (X-Ray), checked by nag-acknowledgements.test.ts.
          .filter((pattern) => pattern !== '*')
          .flatMap((pattern) =>
            foreign.filter((arn) => iamPatternMatches(pattern, arn)).map((arn) => `${pattern} → ${arn}`),
          ),
      ),
    );

    // Assess
    expect(reached).toEqual([]);
  });

  test('without WAF in the config there is no web ACL; with it, the common rule set and a per-IP rate rule guard the stage', () => {
    // Act
    const on = synth(withServing({ waf: { enabled: true, rateLimitPer5Minutes: 500 } }));
    const [acl] = Object.values(resources(on.template, 'AWS::WAFv2::WebACL'));
    const [association] = Object.values(resources(on.template, 'AWS::WAFv2::WebACLAssociation'));
    const rules = acl?.Properties.Rules as Array<{
      Name: string;
      Statement: Record<string, Record<string, unknown>>;
    }>;

    // Assess
    expect(Object.keys(resources(template, 'AWS::WAFv2::WebACL'))).toEqual([]);
    expect(acl?.Properties.Scope).toBe('REGIONAL');
    expect(rules.map((rule) => rule.Statement.ManagedRuleGroupStatement?.Name ?? rule.Name)).toEqual([
      'AWSManagedRulesCommonRuleSet',
      'RateLimitPerIp',
    ]);
    expect(rules[1]?.Statement.RateBasedStatement).toMatchObject({ Limit: 500, AggregateKeyType: 'IP' });
    expect(renderValue(association?.Properties.ResourceArn)).toContain(
      `<${logicalIdOf(on.serving.api.stage)}>`,
    );
  });

  test('the WAF variant synthesizes with the AwsSolutions checks and no unacknowledged finding', () => {
    const app = testApp();
    buildApp(app, withServing({ waf: { enabled: true, rateLimitPer5Minutes: 2000 } }), { env });
    attachNag(app);

    expect(() => app.synth()).not.toThrow();
  });

  test('outputs: the API URL, each client key id (never its value) and the two queue names', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    // Besides the exports CDK adds for what the monitoring stack charts (functions, queues, stage, alarm).
    const declared = Object.keys(outputs).filter((id) => !id.startsWith('ExportsOutput'));

    expect(declared.sort()).toEqual(
      ['ApiUrl', 'ApiKeyIdStorefront', 'ApiKeyIdCatalogSync', 'EventQueueName', 'DeadLetterQueueName'].sort(),
    );
    expect(renderValue(outputs.ApiUrl?.Value)).toMatch(/^https:\/\//);
    expect(outputs.ApiKeyIdStorefront?.Value).toEqual({
      Ref: logicalIdOf(serving.api.apiKeys.storefront as IConstruct),
    });
    expect(outputs.ApiKeyIdCatalogSync?.Value).toEqual({
      Ref: logicalIdOf(serving.api.apiKeys['catalog-sync'] as IConstruct),
    });
  });
});

describe('ServingStack props', () => {
  test('refuses a config without a serving section, naming it', () => {
    const app = testApp();
    const built = buildApp(app, { ...sample, serving: undefined }, { env });

    expect(
      () =>
        new ServingStack(app, 'Serving', {
          env,
          config: { ...sample, serving: undefined },
          bucketName: 'shop-recs-data-bucket',
          key: built.data.key,
          alarmTopic: built.pipeline.topic,
        }),
    ).toThrow(/config\.serving is missing/);
  });

  test("bodySchemas replaces a route's request model with the one of the given zod schema; the others keep their handler's", () => {
    // Prepare
    const app = testApp();
    const built = buildApp(app, { ...sample, serving: undefined }, { env });
    const users = z.strictObject({
      users: z.array(z.strictObject({ userId: z.string().check(z.minLength(1)) })).check(z.maxLength(10)),
    });

    // Act
    const stack = new ServingStack(app, 'Serving', {
      env,
      config: sample,
      bucketName: 'shop-recs-data-bucket',
      key: built.data.key,
      alarmTopic: built.pipeline.topic,
      bodySchemas: { users },
    });
    const models = Object.values(resources(Template.fromStack(stack), 'AWS::ApiGateway::Model')).map(
      (model) => [model.Properties.Description, model.Properties.Schema] as const,
    );

    // Assess
    expect(models).toContainEqual([
      'The body of PUT /users',
      {
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        properties: {
          users: {
            type: 'array',
            maxItems: 10,
            items: {
              type: 'object',
              properties: { userId: { type: 'string', minLength: 1 } },
              required: ['userId'],
              additionalProperties: false,
            },
          },
        },
        required: ['users'],
        additionalProperties: false,
      },
    ]);
    expect(models).toContainEqual([
      'The body of PUT /items',
      {
        $schema: 'http://json-schema.org/draft-04/schema#',
        ...requestModelSchema(REQUEST_BODY_SCHEMAS.items),
      },
    ]);
  });
});
