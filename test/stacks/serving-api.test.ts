import { Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ServingApi, type ServingApiProps } from '../../lib/constructs/serving-api';
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
