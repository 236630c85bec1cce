/**
 * What the pipeline publishes: events on EventBridge (source `personalize-pipeline`) and SNS messages. The
 * PutEvents call is sent here, so every handler that imports this module holds `events:PutEvents`.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { logger } from './logger';

/** `source` of every event the pipeline puts on EventBridge. */
export const EVENT_SOURCE = 'personalize-pipeline';

/** A PutEvents entry of the pipeline. */
export interface PipelineEventEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly EventBusName: string;
  readonly Detail: string;
}

/** The entry of a pipeline event with the given `detail-type` and detail, on a bus. */
export function pipelineEvent(bus: string, detailType: string, detail: object): PipelineEventEntry {
  return { Source: EVENT_SOURCE, DetailType: detailType, EventBusName: bus, Detail: JSON.stringify(detail) };
}

/** Puts one pipeline event; an entry EventBridge rejects is logged, not thrown. */
export async function putPipelineEvent(
  eventBridge: EventBridgeClient,
  entry: PipelineEventEntry,
): Promise<void> {
  const out = await eventBridge.send(new PutEventsCommand({ Entries: [entry] }));
  if ((out.FailedEntryCount ?? 0) > 0) {
    logger.warn('EventBridge rejected the event', { detailType: entry.DetailType, entries: out.Entries });
  }
}

/** The human-readable message inside a Step Functions error cause (Lambda errors are JSON). */
export function causeMessage(cause: string): string {
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      const message = (parsed as { errorMessage: unknown }).errorMessage;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: the cause is the message
  }
  return cause;
}

/** An SNS subject: at most 100 printable characters. */
export function subject(text: string): string {
  const clean = text.replace(/[^\x20-\x7E]/g, ' ');
  return clean.length > 100 ? `${clean.slice(0, 97)}...` : clean;
}
