import * as path from 'node:path';
import { Duration, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { cdkBundlingOptions, PROJECT_ROOT } from './bundling';

/** Template metadata key naming a function's handler source, read by the local state machine runner. */
export const HANDLER_METADATA_KEY = 'personalize-pipeline:handler';

/** The environment variables every HandlerFunction sets itself; `environment` may not set them. */
export const FIXED_ENVIRONMENT_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME'] as const;

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
}

/**
 * One handler of lambda/ as a Lambda function, with every default in one place: Node.js 22 on ARM64, bundled
 * by esbuild into minified, tree-shaken ESM with the pinned AWS SDK inside (lib/constructs/bundling.ts),
 * source maps, its own role holding nothing but its own logs and X-Ray until granted more, an explicit log
 * group encrypted with the project key and with retention, JSON logs and active tracing.
 *
 * Its role holds the X-Ray actions on `"*"`: acknowledge the role's wildcards with `acknowledgeRoleWildcards`
 * (lib/constructs/nag.ts) after its last grant.
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
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      projectRoot: PROJECT_ROOT,
      // Minified, tree-shaken ESM with the pinned SDK inside; every option is explained in bundling.ts.
      bundling: cdkBundlingOptions(),
    });
    (this.function.node.defaultChild as lambda.CfnFunction).addMetadata(HANDLER_METADATA_KEY, props.entry);

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the handlers are bundled for (esbuild target node22) and tested on; moving to 24 is a deliberate upgrade, not a silent one.',
    });
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
