import { Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { REQUEST_BODY_SCHEMAS } from '../../core/serving/requests';
import { SERVING_API } from '../../core/serving/routes';
import { requestModelSchema } from '../../lib/constructs/request-models';
import {
  gatewayErrorOrigin,
  ServingApi,
  type ServingApiProps,
  type ServingRouteOptions,
} from '../../lib/constructs/serving-api';
import { testApp } from '../util/app';

const client = { name: 'storefront', routes: ['popular' as const], rateLimit: 5, burstLimit: 10 };

function build(overrides: Partial<ServingApiProps> = {}): ServingApi {
  const stack = new Stack(testApp(), 'Api');
  return new ServingApi(stack, 'Api', {
    apiName: 'p-serving',
    encryptionKey: new kms.Key(stack, 'Key'),
    clients: [client],
    ...overrides,
  });
}

describe('ServingApi props', () => {
  test('refuses an API without clients, since every method requires a key', () => {
    expect(() => build({ clients: [] })).toThrow(/clients must name at least one client/);
  });

  test('refuses two clients with one name, naming it', () => {
    expect(() => build({ clients: [client, client] })).toThrow(/distinct names; storefront repeat/);
  });

  test.each(['https://shop.example.com/', '*', "https://x'y"])(
    'refuses the origin %p, naming allowedOrigins',
    (origin) => {
      expect(() => build({ allowedOrigins: [origin] })).toThrow(/allowedOrigins must hold origins/);
    },
  );

  test('refuses a WAF rate limit AWS WAF cannot apply, naming it', () => {
    expect(() => build({ webAcl: { rateLimitPer5Minutes: 10 } })).toThrow(/webAcl\.rateLimitPer5Minutes/);
  });

  test('keyIdOf names the known clients when asked for another', () => {
    expect(() => build().keyIdOf('nobody')).toThrow(/no client named "nobody"; clients are storefront/);
  });
});

describe('ServingApi answers', () => {
  /** Adds a route served by an inline function (a REST API needs a method to synthesize). */
  function addRoute(api: ServingApi, name: string, options: ServingRouteOptions = {}): void {
    const spec = SERVING_API.find((s) => s.route === name);
    if (!spec) throw new Error(`no route ${name}`);
    const scope = Stack.of(api);
    const fn =
      (scope.node.tryFindChild('Fn') as lambda.Function | undefined) ??
      new lambda.Function(scope, 'Fn', {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: lambda.Code.fromInline('export const handler = async () => ({});'),
      });
    api.addRoute(spec, fn, options);
  }

  /** The properties of every resource of a type in the API's stack. */
  function propertiesOf(api: ServingApi, type: string): Array<Record<string, unknown>> {
    const found = Template.fromStack(Stack.of(api)).findResources(type) as Record<
      string,
      { Properties: Record<string, unknown> }
    >;
    return Object.values(found).map((resource) => resource.Properties);
  }

  function gatewayResponses(api: ServingApi): Record<string, { headers: unknown; template: string }> {
    addRoute(api, 'popular');
    return Object.fromEntries(
      propertiesOf(api, 'AWS::ApiGateway::GatewayResponse').map((response) => [
        response.ResponseType as string,
        {
          headers: response.ResponseParameters,
          template: (response.ResponseTemplates as Record<string, string>)['application/json'] ?? '',
        },
      ]),
    );
  }

  test.each([
    [[], 'no CORS header', undefined],
    [['https://shop.example.com'], 'Access-Control-Allow-Origin: that origin', "'https://shop.example.com'"],
    [['https://shop.example.com', 'https://m.shop.example.com'], 'Access-Control-Allow-Origin: *', "'*'"],
  ])(
    "API Gateway's own 4xx and 5xx with allowedOrigins %j are JSON errors with %s",
    (allowedOrigins, _label, header) => {
      // Act
      const responses = gatewayResponses(build({ allowedOrigins }));

      // Assess
      expect(Object.keys(responses).sort()).toEqual(['DEFAULT_4XX', 'DEFAULT_5XX']);
      for (const response of Object.values(responses)) {
        expect(response.headers).toEqual(
          header === undefined ? undefined : { 'gatewayresponse.header.Access-Control-Allow-Origin': header },
        );
        expect(response.template).toBe(
          '{"error":"$context.error.responseType","message":$context.error.messageString,"requestId":"$context.requestId"}',
        );
      }
    },
  );

  test('gatewayErrorOrigin: none without origins, the one origin, * for several', () => {
    expect(gatewayErrorOrigin([])).toBeUndefined();
    expect(gatewayErrorOrigin(['https://a.example.com'])).toBe('https://a.example.com');
    expect(gatewayErrorOrigin(['https://a.example.com', 'https://b.example.com'])).toBe('*');
  });

  test("addRoute gives a body route the model of its handler's schema, unless bodySchema is given", () => {
    // Prepare
    const api = build({ clients: [{ ...client, routes: ['events', 'ranking'] }] });

    // Act
    addRoute(api, 'events');
    addRoute(api, 'ranking', { bodySchema: { type: apigateway.JsonSchemaType.OBJECT } });
    const models = propertiesOf(api, 'AWS::ApiGateway::Model').map(
      (model) => [model.Description, model.Schema] as const,
    );

    // Assess
    const draft4 = 'http://json-schema.org/draft-04/schema#';
    expect(models).toContainEqual([
      'The body of POST /events',
      { $schema: draft4, ...requestModelSchema(REQUEST_BODY_SCHEMAS.events) },
    ]);
    expect(models).toContainEqual(['The body of POST /rankings', { $schema: draft4, type: 'object' }]);
  });
});
