/**
 * Turns a synthesized CloudFormation template's state machines into runnable ASL definitions: resolves the
 * CDK tokens in `DefinitionString` (partition, region, account, function ARNs) and maps every Lambda task to
 * the handler source named in the function's metadata.
 */
import { HANDLER_METADATA_KEY } from '../../lib/constructs/handler-function';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
}

/** A state machine ready to run locally. */
export interface LocalStateMachine {
  /** Logical id in the template, e.g. `Pipeline6A1B2C3D`. */
  readonly logicalId: string;
  /** The ASL definition with every token resolved. */
  readonly definition: AslDefinition;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly Comment?: string;
}

export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly ItemProcessor?: AslDefinition;
  readonly Iterator?: AslDefinition;
  readonly Branches?: AslDefinition[];
  readonly [key: string]: unknown;
}

/** The local ARN a function's `Fn::GetAtt [id, Arn]` resolves to. */
export function localFunctionArn(logicalId: string): string {
  return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${logicalId}`;
}

/** Resolves the intrinsic functions CDK puts into a state machine's DefinitionString. */
export function resolveTokens(value: unknown, template: CfnTemplate): unknown {
  if (typeof value === 'string' || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => resolveTokens(v, template));
  const entries = Object.entries(value as Record<string, unknown>);
  const [only] = entries;
  if (entries.length === 1 && only) {
    const [fn, arg] = only;
    if (fn === 'Ref') return resolveRef(String(arg), template);
    if (fn === 'Fn::GetAtt') {
      const [id, attribute] = arg as [string, string];
      const resource = template.Resources[id];
      if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') return localFunctionArn(id);
      return `arn:aws:local:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${id}/${attribute}`;
    }
    if (fn === 'Fn::Join') {
      const [separator, parts] = arg as [string, unknown[]];
      return parts.map((p) => String(resolveTokens(p, template))).join(separator);
    }
    if (fn === 'Fn::ImportValue') return `imported-${JSON.stringify(arg).replace(/\W+/g, '-')}`;
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveTokens(v, template)]));
}

function resolveRef(name: string, template: CfnTemplate): string {
  switch (name) {
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::Region':
      return LOCAL_REGION;
    case 'AWS::AccountId':
      return LOCAL_ACCOUNT;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      if (!template.Resources[name])
        throw new Error(`Cannot resolve Ref ${name}: no such resource or pseudo parameter`);
      return `local-${name}`;
  }
}

/** Every state machine in the template, with its definition resolved. */
export function stateMachinesOf(template: CfnTemplate): LocalStateMachine[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::StepFunctions::StateMachine')
    .map(([logicalId, r]) => {
      const raw = resolveTokens(r.Properties?.DefinitionString, template);
      if (typeof raw !== 'string') throw new Error(`State machine ${logicalId} has no DefinitionString`);
      return { logicalId, definition: JSON.parse(raw) as AslDefinition };
    });
}

/** Handler source of every pipeline function, by local function ARN. */
export function handlerSources(template: CfnTemplate): Map<string, string> {
  const sources = new Map<string, string>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    const entry = resource.Metadata?.[HANDLER_METADATA_KEY];
    if (resource.Type === 'AWS::Lambda::Function' && typeof entry === 'string')
      sources.set(localFunctionArn(id), entry);
  }
  return sources;
}

/** Every state of a definition, including those inside Map iterators and Parallel branches. */
export function allStates(definition: AslDefinition): Array<[string, AslState]> {
  return Object.entries(definition.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...[state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]
      .filter((d): d is AslDefinition => d !== undefined)
      .flatMap(allStates),
  ]);
}
