import { parseSchema, SchemaError, type Domain } from '../../../core/schema-rules';
import { namedArn } from '../arn';
import type { HandlerTable } from '../context';
import { InvalidInputException, ResourceInUseException } from '../errors';
import {
  createResource,
  isLive,
  listPage,
  pick,
  render,
  requireFreeArn,
  requireResource,
  quotaReached,
} from '../resources';

/** Values of the `domain` member of schemas, dataset groups and ListRecipes. */
export const DOMAINS: readonly Domain[] = ['ECOMMERCE', 'VIDEO_ON_DEMAND'];

/** CreateSchema, DescribeSchema, ListSchemas, DeleteSchema. */
export const schemaOperations: HandlerTable = {
  CreateSchema(ctx, input, req) {
    const name = input.name();
    const schema = input.string('schema', { max: 20_000 });
    const domain = input.optionalEnum('domain', DOMAINS);
    try {
      parseSchema(schema);
    } catch (error) {
      if (error instanceof SchemaError)
        throw new InvalidInputException(`Invalid schema: ${error.problems.join(' ')}`);
      throw error;
    }
    const arn = namedArn(ctx.scope, 'schema', name);
    requireFreeArn(ctx, arn, 'schema', name);
    if (ctx.store.listResources('schema').length >= ctx.quotas.schemas) {
      throw quotaReached(ctx, 'schemas', 'schema');
    }
    createResource(ctx, req, {
      kind: 'schema',
      arn,
      name,
      lifecycle: false,
      doc: { name, schemaArn: arn, schema, ...(domain ? { domain } : {}) },
    });
    return { schemaArn: arn };
  },

  DescribeSchema(ctx, input) {
    return { schema: render(requireResource(ctx, input.arn('schemaArn'), 'schema')) };
  },

  ListSchemas(ctx, input) {
    return listPage(input, ctx.store.listResources('schema'), 'schemas', (row) =>
      pick(render(row), ['name', 'schemaArn', 'creationDateTime', 'lastUpdatedDateTime', 'domain']),
    );
  },

  DeleteSchema(ctx, input) {
    const row = requireResource(ctx, input.arn('schemaArn'), 'schema');
    const users = ctx.store.listResources('dataset').filter((d) => isLive(d) && d.doc.schemaArn === row.arn);
    if (users.length > 0) {
      throw new ResourceInUseException(
        `Schema ${row.arn} is used by dataset ${users[0]?.arn}; delete the dataset or update it to another schema first.`,
      );
    }
    ctx.store.deleteResource(row.arn);
    return {};
  },
};
