import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import type * as z from 'zod/mini';
import type { PipelineConfig, ServingSettings } from '../../core/config/schema';
import { CAMPAIGN_ROUTES, type ServingRoute } from '../../core/config/serving-routes';
import { METRICS_NAMESPACE } from '../../core/monitoring';
import { apiClientsVariable } from '../../core/serving/access';
import { deployedServingHandlers, servedRoutes } from '../../core/serving/deployment';
import { ARCHIVE_PREFIX } from '../../core/serving/events';
import {
  EVENT_QUEUE_SETTINGS,
  SERVING_HANDLERS,
  type ServingHandler,
  type ServingVariable,
} from '../../core/serving/handlers';
import { SERVING_API } from '../../core/serving/routes';
import { EventQueue } from '../constructs/event-queue';
import { type FunctionNetwork, HandlerFunction } from '../constructs/handler-function';
import { pascalCase } from '../constructs/names';
import { acknowledgeRoleWildcards } from '../constructs/nag';
import { grantScoped, type ScopeTable, wildcardReasonsOf } from '../constructs/permissions';
import { servingScopeTable } from '../constructs/project-scopes';
import { requestModelSchema } from '../constructs/request-models';
import { ServingApi } from '../constructs/serving-api';

/** The pipeline's parameters the serving functions read, under `/<projectName>/`. */
const SERVING_PARAMETERS = ['serving', 'event-tracker'] as const;

/** The Powertools service name of the serving functions' logs and traces. */
const SERVICE_NAME = 'personalize-serving';

export interface ServingStackProps extends StackProps {
  /** The validated config; its `serving` section says which routes, clients and protections to deploy. */
  readonly config: PipelineConfig;
  /** Name of the data bucket, from {@link dataBucketName}: accepted events are archived there. */
  readonly bucketName: string;
  /** The project key: encrypts the queues, the table, the logs and the function environments. */
  readonly key: kms.IKey;
  /**
   * Topic the dead-letter alarm notifies. The app passes the pipeline's notification topic, so the people
   * who already follow the pipeline's runs hear of undelivered events without a second subscription. Its
   * policy and its key's policy must let CloudWatch alarms of the account publish (PipelineStack and
   * DataStack do).
   */
  readonly alarmTopic: sns.ITopic;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Zod schemas that replace a body route's own (REQUEST_BODY_SCHEMAS, the ones the handlers validate with)
   * as the source of its API Gateway model (lib/constructs/request-models.ts).
   * @default - every body route's model is generated from REQUEST_BODY_SCHEMAS
   */
  readonly bodySchemas?: Readonly<Partial<Record<ServingRoute, z.core.$ZodType>>>;
  /** Run every function in this network (NetworkStack). @default - outside any VPC */
  readonly network?: FunctionNetwork;
}

/**
 * The real-time API (`serving` in the config): an API Gateway REST API whose routes proxy to one function
 * per serving handler (core/serving/handlers.ts), each with only its own variables and actions; one API key
 * and usage plan per client; and the event path that loses nothing once accepted: an encrypted queue with a
 * dead-letter queue and its alarm, the consumer that sends to PutEvents, and its idempotency table. Routes
 * the config cannot serve (no campaign, no event tracker, no dataset) are not deployed.
 */
export class ServingStack extends Stack {
  /** The REST API, its keys, plans and logs. */
  public readonly api: ServingApi;
  /** The routes deployed. */
  public readonly routes: readonly ServingRoute[];
  /** One function per handler with a deployed route (the consumer with the events route). */
  public readonly functions: Readonly<Partial<Record<ServingHandler, HandlerFunction>>>;
  /** The event queue, dead-letter queue, alarm and idempotency table, when the events route is deployed. */
  public readonly eventQueue?: EventQueue;

  constructor(scope: Construct, id: string, props: ServingStackProps) {
    super(scope, id, props);
    const serving = props.config.serving;
    if (!serving) {
      throw new Error(
        'ServingStack: config.serving is missing; deploy the ServingStack only for a config with it.',
      );
    }
    const project = props.config.projectName;
    this.routes = servedRoutes(props.config);

    this.api = new ServingApi(this, 'Api', {
      apiName: `${project}-serving`,
      description: `${project}: real-time recommendations and events`,
      encryptionKey: props.key,
      clients: serving.clients,
      allowedOrigins: serving.allowedOrigins,
      logRetention: props.logRetention,
      webAcl: serving.waf.enabled ? { rateLimitPer5Minutes: serving.waf.rateLimitPer5Minutes } : undefined,
    });
    if (this.routes.includes('events')) {
      this.eventQueue = new EventQueue(this, 'Events', {
        encryptionKey: props.key,
        alarmTopic: props.alarmTopic,
        maxReceiveCount: EVENT_QUEUE_SETTINGS.maxReceiveCount,
      });
    }

    // What the read routes call: each route's solution or recommender, and every experiment variant's.
    const served = [
      ...new Set([
        ...CAMPAIGN_ROUTES.flatMap((route) => serving.campaigns[route] ?? []),
        ...serving.experiments.flatMap((experiment) => experiment.variants.map((variant) => variant.target)),
      ]),
    ];
    const recommenders = new Set(props.config.recommenders.map((recommender) => recommender.name));
    const permissions = servingScopeTable({
      config: props.config,
      servedSolutions: served.filter((name) => !recommenders.has(name)),
      servedRecommenders: served.filter((name) => recommenders.has(name)),
      bucket: s3.Bucket.fromBucketName(this, 'DataBucket', props.bucketName),
      archivePrefix: ARCHIVE_PREFIX,
      key: props.key,
      parameterNames: SERVING_PARAMETERS,
      queue: this.eventQueue?.queue,
      table: this.eventQueue?.idempotencyTable,
    });
    this.functions = this.createFunctions(props, serving, permissions);
    this.addRoutes(props.bodySchemas ?? {});
    const consumer = this.functions['event-consumer'];
    if (this.eventQueue && consumer)
      this.eventQueue.addConsumer(consumer.function, EVENT_QUEUE_SETTINGS.batchSize);
    for (const fn of Object.values(this.functions))
      acknowledgeRoleWildcards(fn.role, wildcardReasonsOf(permissions));

    this.addOutputs(serving);
  }

  /** One function per handler that serves a deployed route: its variables only, its actions only. */
  private createFunctions(
    props: ServingStackProps,
    serving: ServingSettings,
    permissions: ScopeTable,
  ): Partial<Record<ServingHandler, HandlerFunction>> {
    const project = props.config.projectName;
    const variables: Readonly<Record<ServingVariable, string | undefined>> = {
      ACCOUNT_ID: this.account,
      ALLOWED_ORIGINS: JSON.stringify(serving.allowedOrigins),
      API_CLIENTS: this.toJsonString(apiClientsVariable(serving.clients, (name) => this.api.keyIdOf(name))),
      BUCKET_NAME: props.bucketName,
      EXPERIMENTS: JSON.stringify(serving.experiments),
      IDEMPOTENCY_TABLE: this.eventQueue?.idempotencyTable.tableName,
      METRICS_NAMESPACE,
      PARAMETER_PREFIX: `/${project}`,
      PROJECT_NAME: project,
      QUEUE_URL: this.eventQueue?.queue.queueUrl,
      ROUTE_SOLUTIONS: JSON.stringify(serving.campaigns),
    };
    const functions: Partial<Record<ServingHandler, HandlerFunction>> = {};
    for (const handler of deployedServingHandlers(props.config)) {
      const spec = SERVING_HANDLERS[handler];
      const consumer = handler === 'event-consumer';
      const fn = new HandlerFunction(this, `${pascalCase(handler)}Function`, {
        entry: spec.entry,
        description: `${project} serving: ${consumer ? 'event queue consumer' : `routes ${spec.routes.join(', ')}`}`,
        encryptionKey: props.key,
        serviceName: SERVICE_NAME,
        environment: Object.fromEntries(
          spec.environment.map((name) => [name, required(variables, name, handler)]),
        ),
        logRetention: props.logRetention,
        // API Gateway gives up on an integration after 29 s; the consumer retries throttled calls within a minute.
        timeout: consumer ? Duration.minutes(1) : Duration.seconds(29),
        network: props.network,
      });
      grantScoped(fn, spec.permissions, permissions);
      functions[handler] = fn;
    }
    return functions;
  }

  /** Each deployed route, proxied to the function of its handler, in the order of SERVING_API. */
  private addRoutes(bodySchemas: Readonly<Partial<Record<ServingRoute, z.core.$ZodType>>>): void {
    for (const spec of SERVING_API) {
      if (!this.routes.includes(spec.route)) continue;
      const fn = this.functions[spec.handler];
      if (!fn) throw new Error(`ServingStack: no function serves route "${spec.route}" (${spec.handler}).`);
      const schema = bodySchemas[spec.route];
      this.api.addRoute(spec, fn.function, schema ? { bodySchema: requestModelSchema(schema) } : {});
    }
  }

  /** The API URL, each client's key id (its value stays in API Gateway) and the queues' names. */
  private addOutputs(serving: ServingSettings): void {
    new CfnOutput(this, 'ApiUrl', { value: this.api.api.url, description: 'Base URL of the serving API' });
    for (const client of serving.clients) {
      new CfnOutput(this, `ApiKeyId${pascalCase(client.name)}`, {
        value: this.api.keyIdOf(client.name),
        description: `Id of client ${client.name}'s API key; its value: aws apigateway get-api-key --api-key <id> --include-value`,
      });
    }
    if (this.eventQueue) {
      new CfnOutput(this, 'EventQueueName', {
        value: this.eventQueue.queue.queueName,
        description: 'Queue of accepted events, consumed into PutEvents',
      });
      new CfnOutput(this, 'DeadLetterQueueName', {
        value: this.eventQueue.deadLetterQueue.queueName,
        description: 'Events that failed every delivery; redrive with aws sqs start-message-move-task',
      });
    }
  }
}

function required(
  variables: Readonly<Record<ServingVariable, string | undefined>>,
  name: ServingVariable,
  handler: ServingHandler,
): string {
  const value = variables[name];
  if (value === undefined) {
    throw new Error(
      `ServingStack: the ${handler} function reads ${name}, which this deployment does not have.`,
    );
  }
  return value;
}
