import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type * as z from 'zod/mini';
import type { ServingClient } from '../../core/config/schema';
import type { ServingRoute } from '../../core/config/serving-routes';
import { CORS_ALLOWED_HEADERS, CORS_MAX_AGE_SECONDS } from '../../core/serving/cors';
import { REQUEST_BODY_SCHEMAS } from '../../core/serving/requests';
import { type RouteSpec, SERVING_API } from '../../core/serving/routes';
import { renderCfnReference } from './cfn-reference';
import { requestModelSchema } from './request-models';

/** Headers a browser may send to the API-key routes. */
const BROWSER_HEADERS = [...CORS_ALLOWED_HEADERS];

/** The routes that need SigV4 (IAM) besides the API key by default: the server-to-server upserts. */
export const DEFAULT_IAM_ROUTES: readonly ServingRoute[] = ['items', 'users'];

/** The AWS managed policy of API Gateway's account-level CloudWatch Logs role. */
const PUSH_TO_CLOUDWATCH_POLICY = 'service-role/AmazonAPIGatewayPushToCloudWatchLogs';

/** An AWS WAF web ACL in front of the stage. */
export interface ServingApiWebAclOptions {
  /** Requests one IP address may send in 5 minutes before it is blocked, 100 to 2,000,000,000. */
  readonly rateLimitPer5Minutes: number;
}

export interface ServingApiProps {
  /** The API's name in the console, e.g. `shop-recs-serving`. */
  readonly apiName: string;
  /** What the API serves. @default - none */
  readonly description?: string;
  /** Key that encrypts the access and execution log groups. */
  readonly encryptionKey: kms.IKey;
  /** The client applications: one API key and usage plan (rate, burst, quota) each. At least one. */
  readonly clients: readonly ServingClient[];
  /**
   * Origins browsers may call the API-key routes from. The routes served to browsers answer CORS preflights
   * for these origins only, and the functions' answers name the caller's origin when it is one of them. API
   * Gateway's own error answers carry the origin when there is exactly one, and `*` when there are several
   * (see {@link ServingApi} for why that exposes nothing).
   * @default [] - no CORS: browsers on other origins cannot read any answer
   */
  readonly allowedOrigins?: readonly string[];
  /** Routes that require SigV4 (IAM) on top of the API key; the others are API-key only. @default DEFAULT_IAM_ROUTES */
  readonly iamRoutes?: readonly ServingRoute[];
  /** @default 'v1' */
  readonly stageName?: string;
  /**
   * The stage's throttle, over all clients together.
   * @default - the sum of the clients' rate and burst limits: every client at its limit at once
   */
  readonly throttle?: apigateway.ThrottleSettings;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** An AWS WAF web ACL with the common rule set and a per-IP rate rule. @default - none */
  readonly webAcl?: ServingApiWebAclOptions;
}

/** Options of {@link ServingApi.addRoute}. */
export interface ServingRouteOptions {
  /**
   * The JSON schema (draft 4) the request body must match, for routes with a body.
   * @default - the model of the route's schema in REQUEST_BODY_SCHEMAS, the one its handler validates with;
   * any JSON object for a route without one
   */
  readonly bodySchema?: apigateway.JsonSchema;
}

/**
 * The serving API's REST API: every method requires an API key, each client has its own key and usage plan,
 * the upsert routes also require SigV4 (IAM), one request validator checks required parameters and each
 * body against the model generated from its handler's zod schema (REQUEST_BODY_SCHEMAS), CORS answers only
 * the configured origins, and the stage writes JSON access logs (request id, key id, status, latencies) and
 * error-level execution logs to log groups encrypted with the project key, with X-Ray tracing and a
 * stage-wide throttle. API Gateway serves HTTPS only. Optionally an AWS WAF web ACL.
 *
 * API Gateway's own error answers (403 for a missing or unknown key, 429 from a usage plan or the stage
 * throttle, 400 for a body its model refuses, 5xx when the function fails) are the handlers' JSON errors,
 * `{ error, message, requestId }`. Their CORS header (`allowedOrigins`):
 *
 * - one origin: `Access-Control-Allow-Origin` is that origin;
 * - several: `*`. A gateway response cannot name the caller's origin only when it is allowed: its headers
 *   are static, or copied from the request unchecked (`method.request.header.Origin` would echo any
 *   origin, and its templates are not run by VTL), so the choice is one origin for all, leaving browsers on
 *   the others with an unreadable answer (a CORS error instead of the 429 they should back off on), or
 *   `*`. `*` exposes nothing: these answers hold no data (the error type, API Gateway's message and the
 *   request id), requests carry no cookies (the key is a header), and every call that could succeed sends
 *   `x-api-key`, so the browser preflights it, and only the allowed origins pass the preflight;
 * - none: no CORS header.
 *
 * The functions' own answers (their errors included: 400, 403, 429, 503) name the caller's origin when it is
 * allowed, with `Vary: Origin`.
 *
 * Create the API, give the functions {@link apiKeys}' ids, then {@link addRoute} each route.
 */
export class ServingApi extends Construct {
  /** The REST API. */
  public readonly api: apigateway.RestApi;
  /** The deployed stage. */
  public readonly stage: apigateway.Stage;
  /** JSON access logs of every request. */
  public readonly accessLogGroup: logs.LogGroup;
  /** Error-level execution logs, in the group API Gateway writes them to, created encrypted beforehand. */
  public readonly executionLogGroup: logs.LogGroup;
  /** Checks bodies against their model and that required parameters are present. */
  public readonly requestValidator: apigateway.RequestValidator;
  /** Each client's API key, by client name. */
  public readonly apiKeys: Readonly<Record<string, apigateway.ApiKey>>;
  /** Each client's usage plan, by client name. */
  public readonly usagePlans: Readonly<Record<string, apigateway.UsagePlan>>;
  /** The web ACL, when `webAcl` is set. */
  public readonly webAcl?: wafv2.CfnWebACL;

  private readonly props: ServingApiProps;
  private readonly iamRoutes: ReadonlySet<ServingRoute>;
  private readonly methods = new Map<ServingRoute, apigateway.Method>();

  constructor(scope: Construct, id: string, props: ServingApiProps) {
    super(scope, id);
    validate(props);
    this.props = props;
    this.iamRoutes = new Set(props.iamRoutes ?? DEFAULT_IAM_ROUTES);
    const stageName = props.stageName ?? 'v1';
    const retention = props.logRetention ?? logs.RetentionDays.THREE_MONTHS;
    const throttle = props.throttle ?? {
      rateLimit: sum(props.clients.map((c) => c.rateLimit)),
      burstLimit: sum(props.clients.map((c) => c.burstLimit)),
    };

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention,
      encryptionKey: props.encryptionKey,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: props.apiName,
      description: props.description,
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Stage logging needs API Gateway's account-level CloudWatch Logs role; the role is retained when the
      // stack goes, because the account setting (shared by every REST API in the region) keeps pointing at it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: accessLogFormat(),
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
      },
    });
    this.stage = this.api.deploymentStage;
    // The stack outputs the URL under a name of its own; the RestApi's generated output would repeat it.
    this.api.node.tryRemoveChild('Endpoint');
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      // The name API Gateway writes execution logs to; created here so the group is encrypted and expires.
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${stageName}`,
      retention,
      encryptionKey: props.encryptionKey,
    });
    this.stage.node.addDependency(this.executionLogGroup);
    this.acknowledgeCloudWatchRole();

    this.requestValidator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    this.answerErrorsAsJson();
    const { keys, plans } = this.createKeysAndPlans();
    this.apiKeys = keys;
    this.usagePlans = plans;
    if (props.webAcl) this.webAcl = this.protectWithWaf(props.webAcl);
    else
      Validations.of(this.stage).acknowledge({
        id: 'AwsSolutions-APIG3',
        reason:
          'No AWS WAF web ACL was asked for (webAcl; serving.waf.enabled in the config): every request needs a client API key whose usage plan limits its rate, burst and quota, and the stage throttles all clients together; enabling it adds the managed common rule set and a per-IP rate rule.',
      });
  }

  /** The id of a client's API key (never its value). */
  public keyIdOf(client: string): string {
    const key = this.apiKeys[client];
    if (!key)
      throw new Error(
        `ServingApi: no client named "${client}"; clients are ${Object.keys(this.apiKeys).join(', ')}.`,
      );
    return key.keyId;
  }

  /** The method of a route added with {@link addRoute}. */
  public methodOf(route: ServingRoute): apigateway.Method | undefined {
    return this.methods.get(route);
  }

  /**
   * Proxies a route to its function: the method requires an API key (and SigV4 for the `iamRoutes`), the
   * validator checks its required path parameters and, for POST and PUT, its JSON body; browser routes
   * answer CORS preflights for the allowed origins.
   */
  public addRoute(
    spec: RouteSpec,
    handler: lambda.IFunction,
    options: ServingRouteOptions = {},
  ): apigateway.Method {
    if (this.methods.has(spec.route))
      throw new Error(`ServingApi.addRoute: route "${spec.route}" is added twice.`);
    const resource = this.api.root.resourceForPath(spec.resourcePath);
    const signed = this.iamRoutes.has(spec.route);
    const hasBody = spec.method === 'POST' || spec.method === 'PUT';
    const pathParameters = [...spec.resourcePath.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
    const method = resource.addMethod(
      spec.method,
      // No test-invoke permission: the function may be invoked by this stage's method only.
      new apigateway.LambdaIntegration(handler, { proxy: true, allowTestInvoke: false }),
      {
        apiKeyRequired: true,
        authorizationType: signed ? apigateway.AuthorizationType.IAM : apigateway.AuthorizationType.NONE,
        requestValidator: this.requestValidator,
        requestParameters: Object.fromEntries(
          pathParameters.map((name) => [`method.request.path.${name}`, true]),
        ),
        ...(hasBody
          ? { requestModels: { 'application/json': this.bodyModel(spec, options.bodySchema) } }
          : {}),
      },
    );
    this.methods.set(spec.route, method);
    if (!signed) this.allowBrowsers(resource, spec);
    this.acknowledgeAuthorization(method, spec, signed);
    return method;
  }

  /** Lets `grantee` call the given routes (`execute-api:Invoke` on their methods), as SigV4 routes need. */
  public grantInvoke(grantee: iam.IGrantable, ...routes: ServingRoute[]): iam.Grant {
    const arns = routes.map((route) => {
      const method = this.methods.get(route);
      if (!method) throw new Error(`ServingApi.grantInvoke: route "${route}" is not deployed.`);
      return method.methodArn;
    });
    return iam.Grant.addToPrincipal({ grantee, actions: ['execute-api:Invoke'], resourceArns: arns });
  }

  private bodyModel(spec: RouteSpec, schema: apigateway.JsonSchema | undefined): apigateway.Model {
    return this.api.addModel(`${spec.route}Body`, {
      contentType: 'application/json',
      description: `The body of ${spec.method} ${spec.resourcePath}`,
      schema: schema ?? defaultBodySchema(spec.route),
    });
  }

  /** The CORS preflight of a browser route's resource, once per resource, for the allowed origins only. */
  private allowBrowsers(resource: apigateway.Resource, spec: RouteSpec): void {
    const origins = this.props.allowedOrigins ?? [];
    if (origins.length === 0 || resource.node.tryFindChild('OPTIONS')) return;
    const methods = SERVING_API.filter(
      (other) => other.resourcePath === spec.resourcePath && !this.iamRoutes.has(other.route),
    ).map((other) => other.method);
    resource.addCorsPreflight({
      allowOrigins: [...origins],
      allowMethods: [...new Set(methods)],
      allowHeaders: BROWSER_HEADERS,
      maxAge: Duration.seconds(CORS_MAX_AGE_SECONDS),
    });
  }

  /**
   * API Gateway's own answers (no or unknown key, throttled, quota, invalid body, ...) as the handlers' JSON
   * errors, `{ error, message, requestId }`, readable by browsers on the allowed origins (see the class).
   */
  private answerErrorsAsJson(): void {
    const origin = gatewayErrorOrigin(this.props.allowedOrigins ?? []);
    const responseHeaders =
      origin === undefined ? undefined : { 'Access-Control-Allow-Origin': `'${origin}'` };
    const template = JSON.stringify({
      error: '$context.error.responseType',
      message: '@MESSAGE@',
      requestId: '$context.requestId',
    }).replace('"@MESSAGE@"', '$context.error.messageString');
    for (const type of [apigateway.ResponseType.DEFAULT_4XX, apigateway.ResponseType.DEFAULT_5XX]) {
      this.api.addGatewayResponse(type.responseType, {
        type,
        responseHeaders,
        templates: { 'application/json': template },
      });
    }
  }

  /** One API key per client and one usage plan per key, with the client's throttle and quota. */
  private createKeysAndPlans(): {
    keys: Record<string, apigateway.ApiKey>;
    plans: Record<string, apigateway.UsagePlan>;
  } {
    const keys: Record<string, apigateway.ApiKey> = {};
    const plans: Record<string, apigateway.UsagePlan> = {};
    for (const client of this.props.clients) {
      const key = new apigateway.ApiKey(this, `Key-${client.name}`, {
        description: `${this.props.apiName}: API key of client ${client.name} (routes ${client.routes.join(', ')})`,
        enabled: true,
      });
      const plan = this.api.addUsagePlan(`Plan-${client.name}`, {
        description: `${this.props.apiName}: usage plan of client ${client.name}`,
        throttle: { rateLimit: client.rateLimit, burstLimit: client.burstLimit },
        ...(client.quota
          ? { quota: { limit: client.quota.limit, period: apigateway.Period[client.quota.period] } }
          : {}),
        apiStages: [{ api: this.api, stage: this.stage }],
      });
      plan.addApiKey(key);
      keys[client.name] = key;
      plans[client.name] = plan;
    }
    return { keys, plans };
  }

  /**
   * A regional web ACL on the stage: AWS's common rule set (with the 8 KB body-size rule counting rather than
   * blocking, since one POST /events may carry 100 events and the handlers bound every body themselves) and
   * a rule that blocks an IP address over `rateLimitPer5Minutes` requests in 5 minutes.
   */
  private protectWithWaf(options: ServingApiWebAclOptions): wafv2.CfnWebACL {
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });
    const acl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: `${this.props.apiName}: managed common rule set and a per-IP rate limit`,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${this.props.apiName}-web-acl`),
      rules: [
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 0,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('common-rule-set'),
        },
        {
          name: 'RateLimitPerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: options.rateLimitPer5Minutes,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          visibilityConfig: visibility('rate-limit-per-ip'),
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
      resourceArn: this.stage.stageArn,
      webAclArn: acl.attrArn,
    });
    return acl;
  }

  /** One acknowledgement per authorization finding of the method, each with its true reason. */
  private acknowledgeAuthorization(method: apigateway.Method, spec: RouteSpec, signed: boolean): void {
    const route = `${spec.method} ${spec.resourcePath}`;
    if (signed) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason: `${route} is a server-to-server route authorized with IAM (SigV4) and the client's API key: its callers are AWS principals, not users signed in to a Cognito user pool.`,
      });
      return;
    }
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: `${route} is called from shoppers' browsers, which cannot sign requests with SigV4: it requires the client application's API key (its usage plan limits rate, burst and quota), and the handler answers 403 unless that key's client may call "${spec.route}".`,
    });
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason: `${route} serves anonymous shoppers as well as known users, so there is no Cognito sign-in to require: the client application's API key identifies the caller.`,
    });
  }

  /** The account-level logging role holds the one AWS managed policy made for it. */
  private acknowledgeCloudWatchRole(): void {
    const role = this.api.node.tryFindChild('CloudWatchRole');
    if (!role) return;
    const arn = iam.ManagedPolicy.fromAwsManagedPolicyName(PUSH_TO_CLOUDWATCH_POLICY).managedPolicyArn;
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM4[Policy::${renderCfnReference(Stack.of(this).resolve(arn))}]`,
      reason:
        "API Gateway's account-level role for writing the stage's access and execution logs: AmazonAPIGatewayPushToCloudWatchLogs is the policy AWS maintains for exactly this role, which API Gateway uses for every REST API of the account and region, so it cannot be scoped to this API's log groups.",
    });
  }
}

/** JSON access log lines: who called what, with which key, and how it went. */
function accessLogFormat(): apigateway.AccessLogFormat {
  const field = apigateway.AccessLogField;
  return apigateway.AccessLogFormat.custom(
    JSON.stringify({
      requestId: field.contextRequestId(),
      apiKeyId: field.contextIdentityApiKeyId(),
      sourceIp: field.contextIdentitySourceIp(),
      caller: field.contextIdentityCaller(),
      httpMethod: field.contextHttpMethod(),
      resourcePath: field.contextResourcePath(),
      status: field.contextStatus(),
      errorType: field.contextErrorResponseType(),
      latency: field.contextResponseLatency(),
      integrationLatency: field.contextIntegrationLatency(),
      responseLength: field.contextResponseLength(),
      requestTime: field.contextRequestTime(),
      xrayTraceId: field.contextXrayTraceId(),
    }),
  );
}

/**
 * The `Access-Control-Allow-Origin` of API Gateway's own error answers: the one allowed origin, `*` for
 * several (a static header cannot choose among them; why `*` is safe there is in {@link ServingApi}'s
 * comment), none without CORS.
 */
export function gatewayErrorOrigin(allowedOrigins: readonly string[]): string | undefined {
  if (allowedOrigins.length === 0) return undefined;
  return allowedOrigins.length === 1 ? allowedOrigins[0] : '*';
}

/** The model of a route's body generated from its handler's schema; any JSON object for a route without one. */
function defaultBodySchema(route: ServingRoute): apigateway.JsonSchema {
  const schemas: Readonly<Partial<Record<ServingRoute, z.core.$ZodType>>> = REQUEST_BODY_SCHEMAS;
  const schema = schemas[route];
  return schema ? requestModelSchema(schema) : { type: apigateway.JsonSchemaType.OBJECT };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

/** Refuses props that would deploy something else than asked, naming the prop. */
function validate(props: ServingApiProps): void {
  if (props.clients.length === 0) {
    throw new Error('ServingApi: clients must name at least one client; every method requires an API key.');
  }
  const names = props.clients.map((client) => client.name);
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length > 0) {
    throw new Error(
      `ServingApi: clients must have distinct names; ${[...new Set(repeated)].join(', ')} repeat.`,
    );
  }
  for (const origin of props.allowedOrigins ?? []) {
    if (!/^https?:\/\/[^/\s'"]+$/.test(origin)) {
      throw new Error(
        `ServingApi: allowedOrigins must hold origins such as https://shop.example.com (scheme and host, no path), got "${origin}".`,
      );
    }
  }
  const limit = props.webAcl?.rateLimitPer5Minutes;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 100 || limit > 2_000_000_000)) {
    throw new Error(
      `ServingApi: webAcl.rateLimitPer5Minutes must be a whole number from 100 to 2,000,000,000, got ${limit}.`,
    );
  }
}
