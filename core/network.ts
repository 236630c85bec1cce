/**
 * Which AWS services the functions call, as VPC endpoint services: the functions run in isolated subnets with no
 * NAT, so every service a handler calls needs an endpoint, and no endpoint is made for a service none calls.
 *
 * Derived from the per-handler IAM action tables (core/pipeline-steps.ts, core/serving/handlers.ts), which tests
 * prove equal to the commands each handler's code sends; test/stacks/network-stack.test.ts checks the result
 * once more against the AWS SDK clients each handler's bundle holds. So a call to a new service changes this
 * list, and a call that bypasses the tables fails a test.
 */
import type { NetworkSettings, PipelineConfig } from './config/schema';
import { DEFAULT_PROD_AVAILABILITY_ZONES } from './config/schema';
import { PIPELINE_PERMISSIONS } from './pipeline-steps';
import { deployedServingHandlers } from './serving/deployment';
import { SERVING_HANDLERS } from './serving/handlers';

/** How a VPC reaches a service: an interface endpoint (billed per hour and AZ) or a free gateway endpoint. */
export type EndpointKind = 'interface' | 'gateway';

/** A VPC endpoint service the code needs. */
export interface EndpointService {
  /** Its name in `com.amazonaws.<region>.<name>`, e.g. `personalize-runtime`. */
  readonly name: string;
  readonly kind: EndpointKind;
  /** The IAM actions the functions send through it, sorted. */
  readonly actions: readonly string[];
}

/**
 * Actions the tables hold that no function sends over the network: each authorizes part of another call, which
 * the service receiving that call checks.
 */
export const AUTHORIZATION_ONLY: Readonly<Record<string, string>> = {
  'iam:PassRole': 'hands the Personalize service role to a Create call',
  'personalize:TagResource': 'authorizes the tags of a Create call',
  // S3 (SSE-KMS objects), SNS and SQS (encrypted topic and queue) call KMS with the caller's permissions.
  'kms:Decrypt': 'S3, SNS and SQS use the project key on the caller’s behalf',
  'kms:GenerateDataKey': 'S3, SNS and SQS use the project key on the caller’s behalf',
};

/**
 * What every function sends besides its handler's calls. Every HandlerFunction traces actively: Lambda runs the
 * X-Ray daemon inside the function's execution environment, and the daemon uploads the function's segments
 * (Powertools Tracer subsegments included) with the function's role, over the function's network. AWS documents
 * no other path out of a VPC-connected function, so the traces need an `xray` endpoint.
 *
 * Logs need none: Lambda ships a function's stdout to CloudWatch Logs itself, outside the function's VPC, and
 * Powertools metrics are written to the logs (embedded metric format).
 */
export const FUNCTION_RUNTIME_ACTIONS: readonly string[] = [
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];

/** Personalize actions served by the runtime and events endpoints instead of the control plane. */
const PERSONALIZE_DATA_PLANE: Readonly<Record<string, string>> = {
  'personalize:GetRecommendations': 'personalize-runtime',
  'personalize:GetPersonalizedRanking': 'personalize-runtime',
  'personalize:GetActionRecommendations': 'personalize-runtime',
  'personalize:PutEvents': 'personalize-events',
  'personalize:PutItems': 'personalize-events',
  'personalize:PutUsers': 'personalize-events',
  'personalize:PutActions': 'personalize-events',
  'personalize:PutActionInteractions': 'personalize-events',
};

/** IAM service prefixes whose endpoint service has another name. */
const ENDPOINT_NAME: Readonly<Record<string, string>> = { cloudwatch: 'monitoring' };

/** Services reached through a (free) gateway endpoint. */
const GATEWAY = new Set(['s3', 'dynamodb']);

/** The name and kind of the endpoint service an IAM action is sent to, or `undefined` for an authorization. */
export function endpointServiceOf(action: string): Omit<EndpointService, 'actions'> | undefined {
  if (action in AUTHORIZATION_ONLY) return undefined;
  const prefix = action.split(':')[0] ?? action;
  const name = PERSONALIZE_DATA_PLANE[action] ?? ENDPOINT_NAME[prefix] ?? prefix;
  return { name, kind: GATEWAY.has(name) ? 'gateway' : 'interface' };
}

/** The endpoint services the given actions need, sorted by name, each with the actions sent through it. */
export function endpointServicesFor(actions: Iterable<string>): EndpointService[] {
  const byName = new Map<string, { kind: EndpointKind; actions: Set<string> }>();
  for (const action of actions) {
    const service = endpointServiceOf(action);
    if (!service) continue;
    const entry = byName.get(service.name) ?? { kind: service.kind, actions: new Set<string>() };
    entry.actions.add(action);
    byName.set(service.name, entry);
  }
  return [...byName]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, { kind, actions: sent }]) => ({ name, kind, actions: [...sent].sort() }));
}

/** Every action the functions a config deploys send: every pipeline step, the deployed serving handlers, X-Ray. */
export function functionActions(
  config: Pick<PipelineConfig, 'serving' | 'eventTracker' | 'datasets'>,
): string[] {
  return [
    ...Object.values(PIPELINE_PERMISSIONS).flat(),
    ...deployedServingHandlers(config).flatMap((handler) => SERVING_HANDLERS[handler].permissions),
    ...FUNCTION_RUNTIME_ACTIONS,
  ];
}

/** The endpoint services the functions a config deploys need. */
export function deploymentEndpointServices(
  config: Pick<PipelineConfig, 'serving' | 'eventTracker' | 'datasets'>,
): EndpointService[] {
  return endpointServicesFor(functionActions(config));
}

/** How many Availability Zones the network spans: 0 when it is off, 1 for `dev`, 2 or more for `prod`. */
export function availabilityZonesOf(network: NetworkSettings): number {
  if (!network.enabled) return 0;
  return network.profile === 'dev' ? 1 : (network.availabilityZones ?? DEFAULT_PROD_AVAILABILITY_ZONES);
}
