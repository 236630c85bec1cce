import { randomUUID } from 'node:crypto';
import { namedArn } from '../arn';
import type { HandlerTable } from '../context';
import { ResourceAlreadyExistsException } from '../errors';
import {
  beginDelete,
  createResource,
  isLive,
  listPage,
  pick,
  render,
  requireActive,
  requireCreated,
  requireFreeArn,
  requireResource,
} from '../resources';

/** CreateEventTracker, DescribeEventTracker, ListEventTrackers, DeleteEventTracker. */
export const eventTrackerOperations: HandlerTable = {
  CreateEventTracker(ctx, input, req) {
    const name = input.name();
    const groupArn = input.arn('datasetGroupArn');
    const tags = input.tags();
    requireActive(requireResource(ctx, groupArn, 'datasetGroup'));
    const arn = namedArn(ctx.scope, 'eventTracker', name);
    requireFreeArn(ctx, arn, 'eventTracker', name);
    const existing = ctx.store.listResources('eventTracker', { groupArn }).find(isLive);
    if (existing)
      throw new ResourceAlreadyExistsException(
        `Dataset group ${groupArn} already has an event tracker (${existing.arn}); only one is allowed.`,
      );
    const trackingId = randomUUID();
    createResource(ctx, req, {
      kind: 'eventTracker',
      arn,
      name,
      parentArn: groupArn,
      groupArn,
      tags,
      doc: {
        name,
        eventTrackerArn: arn,
        accountId: ctx.scope.account,
        trackingId,
        datasetGroupArn: groupArn,
      },
    });
    return { eventTrackerArn: arn, trackingId };
  },

  DescribeEventTracker(ctx, input) {
    return { eventTracker: render(requireResource(ctx, input.arn('eventTrackerArn'), 'eventTracker')) };
  },

  ListEventTrackers(ctx, input) {
    const groupArn = input.optionalArn('datasetGroupArn');
    const rows = ctx.store.listResources('eventTracker', groupArn ? { groupArn } : {});
    return listPage(
      input,
      rows,
      'eventTrackers',
      (row) =>
        pick(render(row), ['name', 'eventTrackerArn', 'status', 'creationDateTime', 'lastUpdatedDateTime']),
      [groupArn],
    );
  },

  DeleteEventTracker(ctx, input) {
    const row = requireResource(ctx, input.arn('eventTrackerArn'), 'eventTracker');
    requireCreated(row);
    beginDelete(ctx, row);
    return {};
  },
};
