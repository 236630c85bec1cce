/** The SSM parameters the pipeline writes for the serving API (`<prefix>/event-tracker`, `<prefix>/serving`). */
import { PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';

/** Writes a value as JSON to a String parameter, replacing the earlier value. */
export async function putJsonParameter(ssm: SSMClient, name: string, value: unknown): Promise<void> {
  await ssm.send(
    new PutParameterCommand({ Name: name, Value: JSON.stringify(value), Type: 'String', Overwrite: true }),
  );
}
