/**
 * The dashboard body of a synthesized template, as the widgets CloudWatch lays out. CDK renders
 * `DashboardBody` as an `Fn::Join` of JSON text and intrinsics (regions, imported function names, alarm ARNs);
 * each intrinsic becomes a readable stand-in, an alarm ARN its alarm's name, so the body parses as JSON
 * without a deployment.
 */

/** One widget of a dashboard body, with the properties the picture uses. */
export interface DashboardWidget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties?: {
    readonly title?: string;
    readonly markdown?: string;
    readonly metrics?: readonly (readonly unknown[])[];
    readonly alarms?: readonly string[];
    readonly annotations?: {
      readonly horizontal?: readonly { readonly label?: string; readonly value?: number }[];
    };
  };
}

/** A dashboard body: its widgets. */
export interface DashboardBody {
  readonly widgets: readonly DashboardWidget[];
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

/** A synthesized CloudFormation template (the part read here). */
export interface Template {
  readonly Resources: Readonly<Record<string, TemplateResource>>;
}

/**
 * The body of the template's one dashboard. Intrinsics become: `Ref` of a pseudo parameter → its name, an
 * alarm's `Fn::GetAtt … Arn` → the alarm's name, an `Fn::ImportValue` → the exported resource's logical id
 * (`…Ref<LogicalId><hash>`), anything else → `?`. None of them may contain a character JSON would have to
 * escape.
 */
export function dashboardBodyOf(template: Template): DashboardBody {
  const dashboards = Object.values(template.Resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');
  if (dashboards.length !== 1) {
    throw new Error(`Expected one AWS::CloudWatch::Dashboard in the template, found ${dashboards.length}.`);
  }
  const body = dashboards[0]?.Properties?.DashboardBody;
  const text = typeof body === 'string' ? body : joined(body, template);
  return JSON.parse(text) as DashboardBody;
}

function joined(value: unknown, template: Template): string {
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) throw new Error('DashboardBody is neither a string nor an Fn::Join.');
  const [separator, parts] = join;
  return parts.map((part) => (typeof part === 'string' ? part : standIn(part, template))).join(separator);
}

function standIn(intrinsic: unknown, template: Template): string {
  const value = intrinsic as Record<string, unknown>;
  const ref = value.Ref;
  if (typeof ref === 'string') return ref.replace(/^AWS::/, '');
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt)) {
    const resource = template.Resources[String(getAtt[0])];
    const name = resource?.Properties?.AlarmName;
    return typeof name === 'string' ? name : String(getAtt[0]);
  }
  const imported = value['Fn::ImportValue'];
  if (typeof imported === 'string') {
    // <stack>:ExportsOutput(Ref|FnGetAtt)<logical id><8 hex of the id>[<attribute><8 hex>]
    const match = /ExportsOutput(?:Ref|FnGetAtt)(.+?)[0-9A-F]{8}(?:[A-Z][A-Za-z]*[0-9A-F]{8})?$/.exec(
      imported,
    );
    return match?.[1] ?? imported;
  }
  return '?';
}
