import type { HandlerTable } from '../context';
import { ResourceNotFoundException, TooManyTagKeysException, TooManyTagsException } from '../errors';
import { checkString, checkTags } from '../validation';

const MAX_TAGS = 200;
const MAX_UNTAG_KEYS = 200;

/** TagResource, UntagResource, ListTagsForResource. */
export const tagOperations: HandlerTable = {
  TagResource(ctx, input) {
    const arn = input.arn('resourceArn');
    const tags = checkTags('tags', input.list('tags'));
    if (!ctx.store.getResource(arn)) throw new ResourceNotFoundException(`Resource ${arn} does not exist.`);
    const keys = new Set([...ctx.store.tags(arn).map((t) => t.tagKey), ...tags.map((t) => t.tagKey)]);
    if (keys.size > MAX_TAGS)
      throw new TooManyTagsException(
        `Resource ${arn} would have ${keys.size} tags; the maximum is ${MAX_TAGS}.`,
      );
    ctx.store.putTags(arn, tags);
    return {};
  },

  UntagResource(ctx, input) {
    const arn = input.arn('resourceArn');
    const keys = input
      .list('tagKeys')
      .map((k, i) => checkString(`tagKeys.${i + 1}`, k, { min: 1, max: 128 }));
    if (keys.length > MAX_UNTAG_KEYS)
      throw new TooManyTagKeysException(
        `At most ${MAX_UNTAG_KEYS} tag keys can be removed at once; the request has ${keys.length}.`,
      );
    if (!ctx.store.getResource(arn)) throw new ResourceNotFoundException(`Resource ${arn} does not exist.`);
    ctx.store.removeTags(arn, keys);
    return {};
  },

  ListTagsForResource(ctx, input) {
    const arn = input.arn('resourceArn');
    if (!ctx.store.getResource(arn)) throw new ResourceNotFoundException(`Resource ${arn} does not exist.`);
    return { tags: ctx.store.tags(arn) };
  },
};
