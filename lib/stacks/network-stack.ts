import { Fn, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { MAX_AVAILABILITY_ZONES } from '../../core/config/schema';
import type { EndpointService } from '../../core/network';
import type { FunctionNetwork } from '../constructs/handler-function';
import { pascalCase } from '../constructs/names';
import { UNSCOPED_ACTIONS } from '../constructs/permissions';

/** The port every endpoint is reached on. */
const HTTPS = ec2.Port.tcp(443);

export interface NetworkStackProps extends StackProps {
  /**
   * The endpoint services the functions call, from {@link deploymentEndpointServices}: one interface or gateway
   * endpoint each, and no other.
   */
  readonly services: readonly EndpointService[];
  /** Availability Zones to span, 1 to 6: one isolated subnet, and one of every interface endpoint, in each. */
  readonly availabilityZones: number;
  /** The project key: encrypts the flow log group. */
  readonly key: kms.IKey;
  /** The VPC's address range. @default '10.0.0.0/16' */
  readonly cidr?: string;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly flowLogRetention?: logs.RetentionDays;
}

/**
 * The private network every function runs in: a VPC of isolated subnets (no internet gateway, no NAT) whose only
 * way out is a VPC endpoint for each service the functions call — an interface endpoint, or a gateway endpoint
 * for S3 and DynamoDB — each with a policy that admits only this account's principals (and, where every call
 * names a resource, only this account's resources). The functions' security group may send HTTPS only to the
 * endpoints, whose security group accepts HTTPS only from the functions. Flow logs of all traffic go to a log
 * group encrypted with the project key.
 *
 * The Availability Zones are `Fn::GetAZs` of the stack's Region (no account lookup), the first
 * `availabilityZones` of them.
 */
export class NetworkStack extends Stack {
  public readonly vpc: ec2.Vpc;
  /** The functions' security group: egress HTTPS to the endpoints only. */
  public readonly functionSecurityGroup: ec2.SecurityGroup;
  /** The interface endpoints' security group: ingress HTTPS from the functions only. */
  public readonly endpointSecurityGroup: ec2.SecurityGroup;
  /** Every endpoint, by its service name (`personalize-runtime`, `s3`, ...). */
  public readonly endpoints: Readonly<Record<string, ec2.IVpcEndpoint>>;
  /** The flow logs' log group. */
  public readonly flowLogGroup: logs.LogGroup;
  /** Where a HandlerFunction runs: the VPC, its isolated subnets and the functions' security group. */
  public readonly functionNetwork: FunctionNetwork;

  private readonly zoneCount: number;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    validate(props);
    this.zoneCount = props.availabilityZones;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr ?? '10.0.0.0/16'),
      maxAzs: props.availabilityZones,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      // Restricting the default security group takes a custom resource (a Lambda function outside the VPC);
      // nothing is ever put in the default group, which only admits traffic from its own members.
      restrictDefaultSecurityGroup: false,
    });
    const subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Lambda functions: HTTPS to the VPC endpoints only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'Interface VPC endpoints: HTTPS from the Lambda functions only',
      allowAllOutbound: false,
    });
    this.endpointSecurityGroup.addIngressRule(this.functionSecurityGroup, HTTPS, 'HTTPS from the functions');
    this.functionSecurityGroup.addEgressRule(
      this.endpointSecurityGroup,
      HTTPS,
      'HTTPS to the interface endpoints',
    );

    this.endpoints = Object.fromEntries(
      props.services.map((service) => [service.name, this.endpoint(service, subnets)]),
    );
    if (props.services.some((service) => service.kind === 'gateway')) {
      // A security group cannot name the gateway endpoints' AWS-managed prefix lists without an account lookup
      // at synth time. The isolated subnets' route tables send nothing out of the VPC but those prefix lists,
      // so HTTPS to any address reaches the gateway endpoints and the VPC itself, nothing else.
      this.functionSecurityGroup.addEgressRule(
        ec2.Peer.anyIpv4(),
        HTTPS,
        `HTTPS to the gateway endpoints (${gatewayNames(props.services)}); the route tables lead nowhere else`,
      );
    }

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.flowLogRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.key,
    });
    // The role flow logs deliver with, assumable by the service only on behalf of this account.
    const flowLogRole = new iam.Role(this, 'FlowLogRole', {
      assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `Delivers the flow logs of ${this.stackName} to their log group`,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup, flowLogRole),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    this.functionNetwork = { vpc: this.vpc, subnets, securityGroup: this.functionSecurityGroup };
  }

  /**
   * The first {@link NetworkStackProps.availabilityZones} zones of the Region, as `Fn::GetAZs` picks them at
   * deploy time: no account lookup, the same template in every account, and no zone names written into it.
   */
  public override get availabilityZones(): string[] {
    return Array.from({ length: this.zoneCount }, (_, index) => Fn.select(index, Fn.getAzs()));
  }

  /** The endpoint of one service, in every isolated subnet, with its policy. */
  private endpoint(service: EndpointService, subnets: ec2.SubnetSelection): ec2.IVpcEndpoint {
    const id = `${pascalCase(service.name)}Endpoint`;
    const endpoint =
      service.kind === 'gateway'
        ? this.vpc.addGatewayEndpoint(id, {
            service: new ec2.GatewayVpcEndpointAwsService(service.name),
            subnets: [subnets],
          })
        : this.vpc.addInterfaceEndpoint(id, {
            service: new ec2.InterfaceVpcEndpointAwsService(service.name),
            subnets,
            securityGroups: [this.endpointSecurityGroup],
            open: false,
            privateDnsEnabled: true,
          });
    endpoint.addToPolicy(endpointPolicyStatement(service, this.account));
    return endpoint;
  }
}

/**
 * An endpoint's policy: any action, by a principal of this account (`aws:PrincipalAccount`), and on a resource
 * of this account (`aws:ResourceAccount`) where every action the functions send through the endpoint names a
 * resource. Where one names none — IAM grants it only on `"*"` (UNSCOPED_ACTIONS: CloudWatch PutMetricData,
 * X-Ray, Personalize List calls) — a request has no resource account to compare, so those endpoints admit this
 * account's principals only.
 */
export function endpointPolicyStatement(service: EndpointService, account: string): iam.PolicyStatement {
  const resourceScoped = service.actions.every((action) => !(action in UNSCOPED_ACTIONS));
  return new iam.PolicyStatement({
    sid: resourceScoped ? 'ThisAccountsPrincipalsOnThisAccountsResources' : 'ThisAccountsPrincipals',
    principals: [new iam.AnyPrincipal()],
    actions: ['*'],
    resources: ['*'],
    conditions: {
      StringEquals: {
        'aws:PrincipalAccount': account,
        ...(resourceScoped ? { 'aws:ResourceAccount': account } : {}),
      },
    },
  });
}

function gatewayNames(services: readonly EndpointService[]): string {
  return services
    .filter((service) => service.kind === 'gateway')
    .map((service) => service.name)
    .join(', ');
}

/** Refuses props that would deploy something else than asked, naming the prop. */
function validate(props: NetworkStackProps): void {
  const zones = props.availabilityZones;
  if (
    !Token.isUnresolved(zones) &&
    (!Number.isInteger(zones) || zones < 1 || zones > MAX_AVAILABILITY_ZONES)
  ) {
    throw new Error(
      `NetworkStack: availabilityZones must be a whole number from 1 to ${MAX_AVAILABILITY_ZONES}, got ${zones}.`,
    );
  }
  if (props.services.length === 0) {
    throw new Error('NetworkStack: services is empty; the functions call at least one AWS service.');
  }
}
