/** The event consumer's logic: PutEvents requests from queued envelopes, and its named error. */
import type { PutEventsCommandInput } from '@aws-sdk/client-personalize-events';
import type { EventEnvelope } from '../../core/serving/events';
import type { ApiEvent } from '../../core/serving/requests';
import { propertiesText } from './catalog.logic';

/** Some events of a message were not delivered; the message goes back to the queue. */
export class EventsNotDelivered extends Error {
  override readonly name = 'EventsNotDelivered';
}

/** The PutEvents request for some events of an envelope (at most 10, one session). */
export function putEventsInput(
  trackingId: string,
  envelope: EventEnvelope,
  events: readonly ApiEvent[],
): PutEventsCommandInput {
  return {
    trackingId,
    sessionId: envelope.sessionId,
    ...(envelope.userId !== undefined ? { userId: envelope.userId } : {}),
    eventList: events.map((event) => {
      const properties = propertiesText(event.properties);
      return {
        eventId: event.eventId,
        eventType: event.eventType,
        itemId: event.itemId,
        sentAt: new Date(event.sentAt * 1000),
        ...(event.eventValue !== undefined ? { eventValue: event.eventValue } : {}),
        ...(event.recommendationId !== undefined ? { recommendationId: event.recommendationId } : {}),
        ...(event.impression ? { impression: [...event.impression] } : {}),
        ...(properties !== undefined ? { properties } : {}),
        ...(event.attributionSource !== undefined
          ? { metricAttribution: { eventAttributionSource: event.attributionSource } }
          : {}),
      };
    }),
  };
}
