/**
 * Which AWS services the code calls, as VPC endpoint services: the functions run in private subnets with no NAT,
 * so every service a handler calls needs an endpoint. Derived from the per-step IAM action tables (which a test
 * proves equal to the commands each handler sends), so a new call to a new service changes this list.
 */
import { PIPELINE_PERMISSIONS } from './pipeline-steps';

/** How a VPC reaches a service: an interface endpoint (billed per hour and AZ) or a free gateway endpoint. */
export type EndpointKind = 'interface' | 'gateway';

/** A VPC endpoint service the code needs, by its name in `com.amazonaws.<region>.<name>`. */
export interface EndpointService {
  readonly name: string;
  readonly kind: EndpointKind;
}

/** IAM actions that are authorizations, not API calls: nothing to reach over the network. */
const NOT_CALLED = new Set(['iam:PassRole', 'personalize:TagResource']);

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

/** The endpoint service an IAM action is sent to, or `undefined` for an authorization-only action. */
export function endpointServiceOf(action: string): EndpointService | undefined {
  if (NOT_CALLED.has(action)) return undefined;
  const prefix = action.split(':')[0] ?? action;
  const name = PERSONALIZE_DATA_PLANE[action] ?? ENDPOINT_NAME[prefix] ?? prefix;
  return { name, kind: GATEWAY.has(name) ? 'gateway' : 'interface' };
}

/** The endpoint services the given actions need, sorted by name. */
export function endpointServicesFor(actions: Iterable<string>): EndpointService[] {
  const byName = new Map<string, EndpointService>();
  for (const action of actions) {
    const service = endpointServiceOf(action);
    if (service) byName.set(service.name, service);
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The endpoint services the pipeline's handlers need. */
export function pipelineEndpointServices(): EndpointService[] {
  return endpointServicesFor(Object.values(PIPELINE_PERMISSIONS).flat());
}
