import * as path from 'node:path';
import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { cdkBundlingOptions, PROJECT_ROOT } from './bundling';
import { acknowledgeWildcardFindings } from './nag';

/** Template metadata key naming a function's handler source, read by the local state machine runner. */
export const HANDLER_METADATA_KEY = 'personalize-pipeline:handler';

/** The environment variables every HandlerFunction sets itself; `environment` may not set them. */
export const FIXED_ENVIRONMENT_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'] as const;

/**
 * What Lambda does with a VPC function's role to manage the function's network interfaces (Lambda developer
 * guide, "Execution role and user permissions"; the actions of the AWS managed policy
 * AWSLambdaVPCAccessExecutionRole, whose `logs:*` on every log group the functions do not get).
 */
export const VPC_ACCESS_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:CreateNetworkInterface',
  'ec2:DeleteNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:UnassignPrivateIpAddresses',
] as const;

/** Where a function runs in a VPC (NetworkStack's `functionNetwork`). */
export interface FunctionNetwork {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /** Its subnets the function is placed in. */
  readonly subnets: ec2.SubnetSelection;
  /** The function's security group. */
  readonly securityGroup: ec2.ISecurityGroup;
}

export interface HandlerFunctionProps {
  /** Handler source, relative to the project root, e.g. `lambda/pipeline/validate.ts`. It exports `handler`. */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** Key that encrypts the function's log group and environment. */
  readonly encryptionKey: kms.IKey;
  /**
   * Environment variables the handler reads, and only those (see PIPELINE_ENVIRONMENT for the pipeline's).
   * @default - none besides NODE_OPTIONS and POWERTOOLS_SERVICE_NAME, which every function gets
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** The Powertools service name the handler's logs and metrics carry. @default 'personalize-pipeline' */
  readonly serviceName?: string;
  /** @default Duration.minutes(5) */
  readonly timeout?: Duration;
  /** Memory in MB, 128 to 10240. @default 512 */
  readonly memorySize?: number;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Run the function in these subnets of a VPC, with this security group; its role then also holds what Lambda
   * needs to manage the function's network interfaces there ({@link VPC_ACCESS_ACTIONS}).
   * @default - outside any VPC
   */
  readonly network?: FunctionNetwork;
}

/**
 * One handler of lambda/ as a Lambda function, with every default in one place: Node.js 22 on ARM64, bundled
 * by esbuild into minified, tree-shaken ESM with the pinned AWS SDK inside (lib/constructs/bundling.ts),
 * source maps, its own role holding nothing but its own logs and X-Ray until granted more, an explicit log
 * group encrypted with the project key and with retention, JSON logs and active tracing.
 *
 * Its role holds the X-Ray actions on `"*"`: acknowledge the role's wildcards with `acknowledgeRoleWildcards`
 * (lib/constructs/nag.ts) after its last grant.
 *
 * With `network`, the function runs in the given subnets, and a separate policy of its role (`networkPolicy`,
 * acknowledged here) lets Lambda create and delete its network interfaces; the function depends on that policy,
 * so Lambda holds the permissions from the function's creation to its deletion.
 */
export class HandlerFunction extends Construct implements iam.IGrantable {
  /** The Lambda function. */
  public readonly function: nodejs.NodejsFunction;
  /** The function's own role. */
  public readonly role: iam.Role;
  /** The function's log group. */
  public readonly logGroup: logs.LogGroup;
  /** The role, for `grant*` calls. */
  public readonly grantPrincipal: iam.IPrincipal;
  /** With `network`: the role's policy for the function's network interfaces. */
  public readonly networkPolicy?: iam.Policy;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    validate(props);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      encryptionKey: props.encryptionKey,
    });

    // An explicit role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed
    // policy (logs on every log group of the account).
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.entry}`,
    });
    this.grantPrincipal = this.role;
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: path.join(PROJECT_ROOT, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.minutes(5),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environmentEncryption: props.encryptionKey,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: props.serviceName ?? 'personalize-pipeline',
        ...props.environment,
      },
      ...(props.network
        ? {
            vpc: props.network.vpc,
            vpcSubnets: props.network.subnets,
            securityGroups: [props.network.securityGroup],
          }
        : {}),
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      // Minified, tree-shaken ESM with the pinned SDK inside; every option is explained in bundling.ts.
      bundling: cdkBundlingOptions(),
    });
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata(HANDLER_METADATA_KEY, props.entry);
    if (props.network) {
      this.networkPolicy = this.allowNetworkInterfaces(props.network);
      this.function.node.addDependency(this.networkPolicy);
    }

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the handlers are bundled for (esbuild target node22) and tested on; moving to 24 is a deliberate upgrade, not a silent one.',
    });
  }

  /**
   * The role's policy for Lambda to manage the function's network interfaces: create them in the function's
   * subnets with its security group, and describe, delete and re-address them. Interface ids are only known once
   * Lambda has created them, so the interface actions name every interface of the account and Region, and EC2
   * offers no resource-level permission for the Describe actions.
   */
  private allowNetworkInterfaces(network: FunctionNetwork): iam.Policy {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ec2', resource, resourceName });
    const interfaces = arn('network-interface', '*');
    const policy = new iam.Policy(this, 'NetworkInterfaces', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'CreateNetworkInterfaces',
          actions: ['ec2:CreateNetworkInterface'],
          resources: [
            interfaces,
            ...network.vpc.selectSubnets(network.subnets).subnetIds.map((id) => arn('subnet', id)),
            arn('security-group', network.securityGroup.securityGroupId),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ManageNetworkInterfaces',
          actions: [
            'ec2:AssignPrivateIpAddresses',
            'ec2:DeleteNetworkInterface',
            'ec2:UnassignPrivateIpAddresses',
          ],
          resources: [interfaces],
        }),
        new iam.PolicyStatement({
          sid: 'DescribeNetwork',
          actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'],
          resources: ['*'],
        }),
      ],
    });
    acknowledgeWildcardFindings(policy, policy.document, [
      [
        interfaces,
        "Lambda's network interfaces for the function in its VPC: their ids are known only once Lambda creates them, so the pattern names this account's interfaces in this Region; creating one also needs the function's own subnets and security group.",
      ],
    ]);
    return policy;
  }
}

/** Refuses props that would deploy something else than asked, naming the prop. */
function validate(props: HandlerFunctionProps): void {
  if (path.isAbsolute(props.entry) || !/\.ts$/.test(props.entry)) {
    throw new Error(
      `HandlerFunction: entry must be a .ts file relative to the project root (e.g. lambda/pipeline/poll.ts), got "${props.entry}".`,
    );
  }
  const fixed = Object.keys(props.environment ?? {}).filter((name) =>
    (FIXED_ENVIRONMENT_VARIABLES as readonly string[]).includes(name),
  );
  if (fixed.length > 0) {
    throw new Error(
      `HandlerFunction: environment may not set ${fixed.join(', ')}; the construct sets it (serviceName sets POWERTOOLS_SERVICE_NAME).`,
    );
  }
  const memory = props.memorySize;
  if (
    memory !== undefined &&
    !Token.isUnresolved(memory) &&
    (!Number.isInteger(memory) || memory < 128 || memory > 10240)
  ) {
    throw new Error(
      `HandlerFunction: memorySize must be a whole number of MB from 128 to 10240, got ${memory}.`,
    );
  }
}
