/**
 * The private network (NetworkStack), proven on the synthesized app: every function of the pipeline and the API
 * runs in the isolated subnets, which have no NAT and no internet gateway; there is an endpoint for every service
 * any handler's code calls and for nothing else — derived from the AWS SDK clients each handler's deployed bundle
 * holds, so a call to a new service without its endpoint fails here; S3 and DynamoDB go through gateway
 * endpoints; the security groups allow only HTTPS between the functions and the endpoints; flow logs are on and
 * encrypted; the profile decides the Availability Zones. With `network.enabled: false` there is no network and no
 * function is in a VPC. cdk-nag and cfn-lint pass both ways.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { loadConfig, type NetworkSettings, type PipelineConfig } from '../../core/config';
import { deploymentEndpointServices } from '../../core/network';
import { PIPELINE_PERMISSIONS } from '../../core/pipeline-steps';
import { deployedServingHandlers } from '../../core/serving/deployment';
import { SERVING_HANDLERS } from '../../core/serving/handlers';
import { attachNag, buildApp } from '../../lib/app';
import { esbuildOptions } from '../../lib/constructs/bundling';
import { VPC_ACCESS_ACTIONS } from '../../lib/constructs/handler-function';
import { testApp } from '../util/app';
import { TEST_ENV } from './iam';

const sample = loadConfig('personalize.config.json');
const env = { account: TEST_ENV.account, region: TEST_ENV.region };

interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string[];
}

function withNetwork(network: NetworkSettings): PipelineConfig {
  return { ...sample, network };
}

function synth(config: PipelineConfig = sample, outdir?: string) {
  const app = testApp(outdir ? { outdir } : {});
  const stacks = buildApp(app, config, { env });
  attachNag(app);
  const assembly = app.synth();
  const templateOf = (stack: { artifactId: string }) =>
    assembly.getStackArtifact(stack.artifactId).template as { Resources: Record<string, Resource> };
  return { app, stacks, templateOf };
}

function ofType(template: { Resources: Record<string, Resource> }, type: string): Record<string, Resource> {
  return Object.fromEntries(Object.entries(template.Resources).filter(([, r]) => r.Type === type));
}

/** `com.amazonaws.eu-west-1.personalize-runtime` (or its `Fn::Join` with `AWS::Region`) → `personalize-runtime`. */
function serviceNameOf(endpoint: Resource): string {
  const name = endpoint.Properties.ServiceName;
  const text =
    typeof name === 'string'
      ? name
      : ((name as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : TEST_ENV.region))
          .join('') ?? '');
  return text.replace(`com.amazonaws.${TEST_ENV.region}.`, '');
}

const fixture = synth();
const network = fixture.stacks.network;
if (!network) throw new Error('The sample config deploys a NetworkStack');
const networkTemplate = fixture.templateOf(network);
const functionStacks = [fixture.stacks.pipeline, ...(fixture.stacks.serving ? [fixture.stacks.serving] : [])];
const functions = functionStacks.flatMap((stack) =>
  Object.entries(ofType(fixture.templateOf(stack), 'AWS::Lambda::Function')).map(([id, resource]) => ({
    id: `${stack.stackName}/${id}`,
    resource,
  })),
);
const endpoints = Object.values(ofType(networkTemplate, 'AWS::EC2::VPCEndpoint'));

/**
 * The endpoint service of each AWS SDK client a bundle may hold, by package. A handler that starts using a client
 * not listed here fails the derivation below until its endpoint service is named here (and the function tables
 * hold its actions, which gives the NetworkStack its endpoint).
 */
const ENDPOINT_OF_PACKAGE: Readonly<Record<string, string>> = {
  '@aws-sdk/client-cloudwatch': 'monitoring',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-dynamodb': 'dynamodb',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-kms': 'kms',
  '@aws-sdk/client-personalize': 'personalize',
  '@aws-sdk/client-personalize-events': 'personalize-events',
  '@aws-sdk/client-personalize-runtime': 'personalize-runtime',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-scheduler': 'scheduler',
  '@aws-sdk/client-sfn': 'states',
  '@aws-sdk/client-sns': 'sns',
  '@aws-sdk/client-sqs': 'sqs',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
  '@aws-sdk/client-xray': 'xray',
  // The X-Ray SDK (Powertools Tracer) sends segments to the daemon Lambda runs, which uploads them to X-Ray.
  'aws-xray-sdk-core': 'xray',
};

/** The handler entries the sample config deploys: every pipeline step and the deployed serving handlers. */
const ENTRIES = [
  ...Object.keys(PIPELINE_PERMISSIONS).map((step) => `lambda/pipeline/${step}.ts`),
  ...deployedServingHandlers(sample).map((handler) => SERVING_HANDLERS[handler].entry),
];

/** Each entry's endpoint services, from the packages whose code is in its deployed (tree-shaken) bundle. */
const calledByEntry = new Map<string, Set<string>>();

beforeAll(async () => {
  const outdir = path.join(os.tmpdir(), 'network-stack-test');
  for (const entry of ENTRIES) {
    const result = await build({
      ...esbuildOptions(entry, path.join(outdir, entry.replace(/\W/g, '-'), 'index.mjs')),
      write: false,
    });
    const output = Object.values(result.metafile?.outputs ?? {}).find((o) => o.entryPoint !== undefined);
    if (!output) throw new Error(`esbuild bundled nothing for ${entry}`);
    const services = new Set<string>();
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1];
      if (!pkg || bytesInOutput === 0) continue;
      if (!pkg.startsWith('@aws-sdk/client-') && !(pkg in ENDPOINT_OF_PACKAGE)) continue;
      const service = ENDPOINT_OF_PACKAGE[pkg];
      if (!service)
        throw new Error(`${entry} bundles ${pkg}: name its endpoint service in ENDPOINT_OF_PACKAGE`);
      services.add(service);
    }
    calledByEntry.set(entry, services);
  }
});

describe('the NetworkStack', () => {
  test('has an endpoint for every service any handler calls, and for no other', () => {
    // Prepare: every function traces actively, so the X-Ray daemon uploads its segments from the VPC too.
    const tracing = functions.every(
      ({ resource }) =>
        (resource.Properties.TracingConfig as { Mode?: string } | undefined)?.Mode === 'Active',
    );
    const called = new Set([...calledByEntry.values()].flatMap((services) => [...services]));
    if (tracing) called.add('xray');

    // Act
    const deployed = endpoints.map(serviceNameOf);

    // Assess
    expect(calledByEntry.size).toBe(ENTRIES.length);
    expect(tracing).toBe(true);
    expect([...deployed].sort()).toEqual([...called].sort());
  });

  test('derives the same endpoints from the action tables the roles are built from', () => {
    // Act
    const derived = deploymentEndpointServices(sample).map((service) => service.name);

    // Assess
    expect(derived).toEqual(endpoints.map(serviceNameOf).sort());
  });

  test('reaches S3 and DynamoDB through gateway endpoints on the isolated route tables, everything else through interface endpoints', () => {
    // Prepare
    const routeTables = Object.keys(ofType(networkTemplate, 'AWS::EC2::RouteTable'));

    // Act
    const kinds = Object.fromEntries(
      endpoints.map((endpoint) => [serviceNameOf(endpoint), endpoint.Properties.VpcEndpointType]),
    );
    const gateways = endpoints.filter((endpoint) => endpoint.Properties.VpcEndpointType === 'Gateway');

    // Assess
    expect(kinds).toMatchObject({ s3: 'Gateway', dynamodb: 'Gateway', 'personalize-runtime': 'Interface' });
    expect(Object.values(kinds).filter((kind) => kind === 'Gateway')).toHaveLength(2);
    for (const gateway of gateways) {
      const tables = (gateway.Properties.RouteTableIds as Array<{ Ref: string }>).map((t) => t.Ref);
      expect(tables.sort()).toEqual([...routeTables].sort());
    }
    for (const endpoint of endpoints.filter((e) => e.Properties.VpcEndpointType === 'Interface')) {
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
    }
  });

  test('has isolated subnets only: no NAT gateway, no internet gateway, no route out of the VPC', () => {
    // Act
    const subnets = Object.values(ofType(networkTemplate, 'AWS::EC2::Subnet'));

    // Assess
    expect(Object.keys(ofType(networkTemplate, 'AWS::EC2::NatGateway'))).toEqual([]);
    expect(Object.keys(ofType(networkTemplate, 'AWS::EC2::InternetGateway'))).toEqual([]);
    expect(Object.keys(ofType(networkTemplate, 'AWS::EC2::EIP'))).toEqual([]);
    expect(Object.keys(ofType(networkTemplate, 'AWS::EC2::Route'))).toEqual([]);
    expect(subnets.length).toBeGreaterThan(0);
    for (const subnet of subnets) {
      expect(subnet.Properties.MapPublicIpOnLaunch).toBe(false);
      expect(subnet.Properties.Tags).toEqual(
        expect.arrayContaining([{ Key: 'aws-cdk:subnet-type', Value: 'Isolated' }]),
      );
    }
  });

  test('puts every function of the pipeline and the API in the isolated subnets, with the functions security group', () => {
    // Prepare: what each export of the network stack stands for.
    const outputs = (
      networkTemplate as unknown as {
        Outputs: Record<
          string,
          { Value: { Ref?: string; 'Fn::GetAtt'?: string[] }; Export: { Name: string } }
        >;
      }
    ).Outputs;
    const exported = new Map(
      Object.values(outputs).map((output) => [
        output.Export.Name,
        output.Value.Ref ?? output.Value['Fn::GetAtt']?.[0],
      ]),
    );
    const imported = (value: unknown) =>
      exported.get((value as { 'Fn::ImportValue': string })['Fn::ImportValue']);
    const subnets = Object.keys(ofType(networkTemplate, 'AWS::EC2::Subnet')).sort();
    const functionGroup = network.getLogicalId(network.functionSecurityGroup.node.defaultChild as never);

    // Act
    const placed = functions.map(({ id, resource }) => {
      const vpc = resource.Properties.VpcConfig as { SubnetIds: unknown[]; SecurityGroupIds: unknown[] };
      return { id, subnets: vpc.SubnetIds.map(imported).sort(), groups: vpc.SecurityGroupIds.map(imported) };
    });

    // Assess
    expect(functions).toHaveLength(ENTRIES.length);
    for (const placement of placed) {
      expect(placement).toEqual({ id: placement.id, subnets, groups: [functionGroup] });
    }
  });

  test('lets every function manage its network interfaces with a policy the function depends on', () => {
    for (const stack of functionStacks) {
      // Prepare
      const template = fixture.templateOf(stack);
      const policies = ofType(template, 'AWS::IAM::Policy');

      for (const [id, fn] of Object.entries(ofType(template, 'AWS::Lambda::Function'))) {
        // Act
        const role = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
        const eni = Object.entries(policies).find(([, policy]) => {
          const statements = (policy.Properties.PolicyDocument as { Statement: Array<{ Action: unknown }> })
            .Statement;
          return (
            (policy.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role) &&
            statements.some((s) => [s.Action].flat().includes('ec2:CreateNetworkInterface'))
          );
        });

        // Assess
        expect({ id, policy: eni?.[0] }).toEqual({ id, policy: expect.any(String) });
        expect(fn.DependsOn).toContain(eni?.[0]);
        const actions = (
          eni?.[1].Properties.PolicyDocument as { Statement: Array<{ Action: unknown }> }
        ).Statement.flatMap((s) => [s.Action].flat());
        expect(actions.sort()).toEqual([...VPC_ACCESS_ACTIONS].sort());
      }
    }
  });

  test('allows HTTPS only: into the endpoints from the functions, out of the functions to the endpoints', () => {
    // Prepare
    const groups = ofType(networkTemplate, 'AWS::EC2::SecurityGroup');
    const id = (group: { node: { defaultChild?: unknown } }) =>
      network.getLogicalId(group.node.defaultChild as never);
    const functionGroup = id(network.functionSecurityGroup);
    const endpointGroup = id(network.endpointSecurityGroup);

    // Act
    const ingress = Object.values(ofType(networkTemplate, 'AWS::EC2::SecurityGroupIngress'));
    const egress = Object.values(ofType(networkTemplate, 'AWS::EC2::SecurityGroupEgress'));
    const inlineEgress = groups[functionGroup]?.Properties.SecurityGroupEgress as Array<
      Record<string, unknown>
    >;

    // Assess
    expect(Object.keys(groups).sort()).toEqual([endpointGroup, functionGroup].sort());
    expect(ingress.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
        SourceSecurityGroupId: { 'Fn::GetAtt': [functionGroup, 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
    expect(egress.map((rule) => rule.Properties)).toEqual([
      expect.objectContaining({
        GroupId: { 'Fn::GetAtt': [functionGroup, 'GroupId'] },
        DestinationSecurityGroupId: { 'Fn::GetAtt': [endpointGroup, 'GroupId'] },
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
      }),
    ]);
    // The gateway endpoints' prefix lists are reached by route: HTTPS only, and the route tables lead nowhere else.
    expect(inlineEgress).toEqual([
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    expect(groups[endpointGroup]?.Properties.SecurityGroupIngress).toBeUndefined();
    expect(groups[endpointGroup]?.Properties.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
    ]);
    for (const endpoint of endpoints.filter((e) => e.Properties.VpcEndpointType === 'Interface')) {
      expect(endpoint.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [endpointGroup, 'GroupId'] }]);
    }
  });

  test("limits every endpoint to this account's principals, and to this account's resources where every call names one", () => {
    // Act
    const conditions = Object.fromEntries(
      endpoints.map((endpoint) => {
        const [statement, ...others] = (
          endpoint.Properties.PolicyDocument as { Statement: Array<Record<string, unknown>> }
        ).Statement;
        expect(others).toEqual([]);
        expect(statement).toMatchObject({
          Effect: 'Allow',
          Principal: { AWS: '*' },
          Action: '*',
          Resource: '*',
        });
        return [serviceNameOf(endpoint), statement?.Condition];
      }),
    );

    // Assess: CloudWatch PutMetricData, X-Ray and Personalize's List calls name no resource.
    const principal = { StringEquals: { 'aws:PrincipalAccount': TEST_ENV.account } };
    const both = {
      StringEquals: { 'aws:PrincipalAccount': TEST_ENV.account, 'aws:ResourceAccount': TEST_ENV.account },
    };
    expect(conditions).toEqual({
      dynamodb: both,
      events: both,
      monitoring: principal,
      personalize: principal,
      'personalize-events': both,
      'personalize-runtime': both,
      s3: both,
      scheduler: both,
      sns: both,
      sqs: both,
      ssm: both,
      xray: principal,
    });
  });

  test('logs all traffic of the VPC to a log group encrypted with the project key, kept 90 days', () => {
    // Act
    const [flowLog] = Object.values(ofType(networkTemplate, 'AWS::EC2::FlowLog'));
    const groups = ofType(networkTemplate, 'AWS::Logs::LogGroup');
    const group = groups[(flowLog?.Properties.LogGroupName as { Ref: string }).Ref];

    // Assess
    expect(flowLog?.Properties).toMatchObject({
      ResourceType: 'VPC',
      ResourceId: { Ref: network.getLogicalId(network.vpc.node.defaultChild as never) },
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    expect(group?.Properties.RetentionInDays).toBe(90);
    expect(JSON.stringify(group?.Properties.KmsKeyId)).toMatch(/DataKey/);
  });
});

describe('the network profile', () => {
  function zonesOf(config: PipelineConfig) {
    const { stacks, templateOf } = synth(config);
    if (!stacks.network) throw new Error('no NetworkStack');
    const template = templateOf(stacks.network);
    const zones = Object.values(ofType(template, 'AWS::EC2::Subnet')).map(
      (s) => s.Properties.AvailabilityZone,
    );
    const perEndpoint = Object.values(ofType(template, 'AWS::EC2::VPCEndpoint'))
      .filter((e) => e.Properties.VpcEndpointType === 'Interface')
      .map((e) => (e.Properties.SubnetIds as unknown[]).length);
    return { zones, perEndpoint: [...new Set(perEndpoint)] };
  }
  const az = (index: number) => ({ 'Fn::Select': [index, { 'Fn::GetAZs': '' }] });

  test('dev spans one Availability Zone: one subnet, one network interface per endpoint', () => {
    expect(zonesOf(withNetwork({ enabled: true, profile: 'dev' }))).toEqual({
      zones: [az(0)],
      perEndpoint: [1],
    });
  });

  test("prod spans two by default, the Region's first two as CloudFormation picks them", () => {
    expect(zonesOf(sample)).toEqual({ zones: [az(0), az(1)], perEndpoint: [2] });
  });

  test('prod spans as many as network.availabilityZones says', () => {
    expect(zonesOf(withNetwork({ enabled: true, profile: 'prod', availabilityZones: 3 }))).toEqual({
      zones: [az(0), az(1), az(2)],
      perEndpoint: [3],
    });
  });
});

describe('with network.enabled false', () => {
  test('there is no network stack, and no function is in a VPC or holds network interface permissions', () => {
    // Act
    const { stacks, templateOf } = synth(withNetwork({ enabled: false, profile: 'prod' }));
    const templates = [stacks.pipeline, ...(stacks.serving ? [stacks.serving] : [])].map(templateOf);

    // Assess
    expect(stacks.network).toBeUndefined();
    for (const template of templates) {
      for (const fn of Object.values(ofType(template, 'AWS::Lambda::Function'))) {
        expect(fn.Properties.VpcConfig).toBeUndefined();
      }
      expect(JSON.stringify(template)).not.toContain('ec2:CreateNetworkInterface');
      expect(Object.keys(ofType(template, 'AWS::EC2::SecurityGroup'))).toEqual([]);
    }
  });
});

describe('cdk-nag and cfn-lint', () => {
  test.each([
    ['on (dev profile)', withNetwork({ enabled: true, profile: 'dev' })],
    ['off', withNetwork({ enabled: false, profile: 'prod' })],
  ])('find nothing with the network %s', (_case, config) => {
    // Prepare
    const outdir = mkdtempSync(path.join(os.tmpdir(), 'cdk-out-network-'));

    // Act: synthesis throws on any unacknowledged cdk-nag finding.
    synth(config, outdir);
    const templates = readdirSync(outdir)
      .filter((file) => file.endsWith('.template.json'))
      .map((file) => path.join(outdir, file));
    const lint = spawnSync('cfn-lint', [...templates, '--ignore-checks', 'W3005'], { encoding: 'utf8' });

    // Assess
    expect(templates.some((file) => path.basename(file).includes('-network.'))).toBe(config.network.enabled);
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);
  });
});
