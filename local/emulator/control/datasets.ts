import { randomUUID } from 'node:crypto';
import { checkSchema, normalizeDatasetType, parseSchema, type DatasetType } from '../../../core/schema-rules';
import { datasetArn } from '../arn';
import type { EmulatorContext, HandlerTable } from '../context';
import { storedDatasetType } from '../documents';
import { InvalidInputException, ResourceAlreadyExistsException, ResourceInUseException } from '../errors';
import {
  beginDelete,
  createResource,
  isCreating,
  listPage,
  pick,
  render,
  requireActive,
  requireCreated,
  requireResource,
  schemaFieldsOf,
  withArticle,
} from '../resources';
import type { ResourceOf } from '../store';
import { PATTERNS } from '../validation';

function schemaProblems(
  type: DatasetType,
  schemaRow: ResourceOf<'schema'>,
  group: ResourceOf<'datasetGroup'>,
): string[] {
  const groupDomain = group.doc.domain;
  const schemaDomain = schemaRow.doc.domain;
  if (groupDomain !== schemaDomain) {
    return [
      `Schema ${schemaRow.arn} has domain ${schemaDomain ?? 'none'}, but dataset group ${group.arn} has domain ${groupDomain ?? 'none'}.`,
    ];
  }
  return checkSchema(type, schemaRow.doc.schema, groupDomain ? { domain: groupDomain } : {});
}

function renderDataset(ctx: EmulatorContext, row: ResourceOf<'dataset'>): Record<string, unknown> {
  const view = render(row);
  const update = ctx.store.listResources('datasetUpdate', { parentArn: row.arn })[0];
  if (update) {
    view.latestDatasetUpdate = pick(render(update), [
      'schemaArn',
      'status',
      'failureReason',
      'creationDateTime',
      'lastUpdatedDateTime',
    ]);
  }
  return view;
}

/** CreateDataset, DescribeDataset, ListDatasets, DeleteDataset, UpdateDataset. */
export const datasetOperations: HandlerTable = {
  CreateDataset(ctx, input, req) {
    const name = input.name();
    const schemaArn = input.arn('schemaArn');
    const groupArn = input.arn('datasetGroupArn');
    const rawType = input.string('datasetType', { max: 256, pattern: PATTERNS.datasetType });
    const tags = input.tags();
    const type = normalizeDatasetType(rawType);
    if (!type)
      throw new InvalidInputException(
        `Invalid dataset type ${rawType}. Valid types are Interactions, Items, Users, Actions and Action_Interactions.`,
      );
    const group = requireActive(requireResource(ctx, groupArn, 'datasetGroup'));
    const schemaRow = requireResource(ctx, schemaArn, 'schema');
    const problems = schemaProblems(type, schemaRow, group);
    if (problems.length > 0)
      throw new InvalidInputException(
        `Schema ${schemaArn} cannot be used for ${withArticle(type)} dataset: ${problems.join(' ')}`,
      );
    const arn = datasetArn(ctx.scope, group.name, type);
    if (ctx.store.getResource(arn))
      throw new ResourceAlreadyExistsException(
        `Dataset group ${groupArn} already has ${withArticle(type)} dataset (${arn}).`,
      );
    const sameName = ctx.store.listResources('dataset').find((d) => d.name === name);
    if (sameName)
      throw new ResourceAlreadyExistsException(`Dataset with name ${name} already exists (${sameName.arn}).`);
    createResource(ctx, req, {
      kind: 'dataset',
      arn,
      name,
      parentArn: groupArn,
      groupArn,
      tags,
      doc: {
        name,
        datasetArn: arn,
        datasetGroupArn: groupArn,
        datasetType: storedDatasetType(type),
        schemaArn,
        ...(type === 'Action_Interactions' ? { trackingId: randomUUID() } : {}),
      },
    });
    return { datasetArn: arn };
  },

  DescribeDataset(ctx, input) {
    return { dataset: renderDataset(ctx, requireResource(ctx, input.arn('datasetArn'), 'dataset')) };
  },

  ListDatasets(ctx, input) {
    const groupArn = input.arn('datasetGroupArn');
    return listPage(
      input,
      ctx.store.listResources('dataset', { groupArn }),
      'datasets',
      (row) =>
        pick(render(row), [
          'name',
          'datasetArn',
          'datasetType',
          'status',
          'creationDateTime',
          'lastUpdatedDateTime',
        ]),
      [groupArn],
    );
  },

  DeleteDataset(ctx, input) {
    const row = requireResource(ctx, input.arn('datasetArn'), 'dataset');
    requireCreated(row);
    const busyImport = ctx.store.listResources('datasetImportJob', { parentArn: row.arn }).find(isCreating);
    if (busyImport)
      throw new ResourceInUseException(
        `Dataset ${row.arn} has import job ${busyImport.arn} in status ${busyImport.status}.`,
      );
    const busyVersion = row.groupArn
      ? ctx.store.listResources('solutionVersion', { groupArn: row.groupArn }).find(isCreating)
      : undefined;
    if (busyVersion)
      throw new ResourceInUseException(
        `Dataset ${row.arn} is used by solution version ${busyVersion.arn}, which is in status ${busyVersion.status}.`,
      );
    beginDelete(ctx, row);
    return {};
  },

  UpdateDataset(ctx, input, req) {
    const row = requireResource(ctx, input.arn('datasetArn'), 'dataset');
    const schemaArn = input.arn('schemaArn');
    requireActive(row);
    const pending = ctx.store.listResources('datasetUpdate', { parentArn: row.arn }).find(isCreating);
    if (pending) throw new ResourceInUseException(`Dataset ${row.arn} already has an update in progress.`);
    const group = requireResource(ctx, row.groupArn ?? '', 'datasetGroup');
    const newSchema = requireResource(ctx, schemaArn, 'schema');
    const type = normalizeDatasetType(row.doc.datasetType) ?? 'Interactions';
    const problems = schemaProblems(type, newSchema, group);
    const before = schemaFieldsOf(ctx, row);
    if (before) {
      const after = new Map(parseSchema(newSchema.doc.schema).fields.map((f) => [f.name, f]));
      for (const field of before) {
        const replacement = after.get(field.name);
        if (!replacement)
          problems.push(
            `The new schema removes field ${field.name}; a replacement schema may only add fields.`,
          );
        else if (replacement.type !== field.type)
          problems.push(
            `The new schema changes the type of field ${field.name} from ${field.type} to ${replacement.type}.`,
          );
      }
    }
    if (problems.length > 0)
      throw new InvalidInputException(
        `Schema ${schemaArn} cannot replace the schema of dataset ${row.arn}: ${problems.join(' ')}`,
      );
    createResource(ctx, req, {
      kind: 'datasetUpdate',
      arn: `${row.arn}#update-${Date.now()}`,
      name: row.name,
      parentArn: row.arn,
      groupArn: row.groupArn,
      doc: { schemaArn },
    });
    return { datasetArn: row.arn };
  },
};

/** Applies a finished dataset update to its dataset. */
export function applyDatasetUpdate(ctx: EmulatorContext, update: ResourceOf<'datasetUpdate'>): void {
  const dataset = ctx.store.getResource(update.parentArn ?? '', 'dataset');
  if (!dataset) return;
  ctx.store.updateResource(dataset, {
    doc: { ...dataset.doc, schemaArn: update.doc.schemaArn },
    updatedAt: ctx.now(),
  });
}
