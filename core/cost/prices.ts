/**
 * The price table `npm run cost` estimates with: one entry per billed unit, kept in this one file.
 *
 * The figures are ILLUSTRATIVE list prices for us-east-1, chosen to match the product brief's worked example for
 * Amazon Personalize (ingestion, training, real-time recommendations, events) and AWS's published list prices for
 * the other services at the time of writing. Prices change and differ by region and volume tier: check the
 * current ones before you budget —
 *   https://aws.amazon.com/personalize/pricing/   https://aws.amazon.com/privatelink/pricing/
 *   https://aws.amazon.com/step-functions/pricing/ https://aws.amazon.com/api-gateway/pricing/
 *   https://aws.amazon.com/sqs/pricing/            https://aws.amazon.com/lambda/pricing/
 * or pass your own table (`npm run cost -- --prices my-prices.json`, same shape as {@link DEFAULT_PRICES}).
 */

/** One billed unit: what it costs, per how many of the unit. */
export interface Price {
  /** US dollars for `per` units. */
  readonly usd: number;
  /** How many units the price is for (1,000 requests, 1 hour ...). */
  readonly per: number;
  /** The unit, as printed: "records", "training hours" ... */
  readonly unit: string;
}

/** Every price the estimate uses. */
export interface PriceTable {
  /** Amazon Personalize: bulk-imported records (interactions, items, users). */
  readonly ingestion: Price;
  /** Amazon Personalize: training compute. */
  readonly training: Price;
  /** Amazon Personalize: real-time recommendation and ranking requests. */
  readonly recommendations: Price;
  /** Amazon Personalize: real-time events (PutEvents) and item/user upserts. */
  readonly events: Price;
  /** Amazon Personalize: recommendations produced by batch inference jobs. */
  readonly batchRecommendations: Price;
  /** Amazon Personalize: a campaign's provisioned minimum throughput, billed every hour it exists. */
  readonly campaignTpsHour: Price;
  /**
   * Amazon Personalize: requests of a domain recommender, billed at least at its minimum requests per second
   * every hour it runs.
   */
  readonly recommenderRequests: Price;
  /** AWS PrivateLink: one interface endpoint in one Availability Zone, per hour. */
  readonly interfaceEndpointHour: Price;
  /** AWS Step Functions Standard: state transitions. */
  readonly stateTransitions: Price;
  /** Amazon API Gateway REST API: requests. */
  readonly apiRequests: Price;
  /** Amazon SQS: requests (send, receive, delete). */
  readonly queueRequests: Price;
  /** AWS Lambda: invocations (compute is small next to the rest and left out). */
  readonly lambdaInvocations: Price;
}

/** The illustrative defaults (see the file comment for where to check current prices). */
export const DEFAULT_PRICES: PriceTable = {
  ingestion: { usd: 0.05, per: 1_000, unit: 'records' },
  training: { usd: 0.4, per: 1, unit: 'training hours' },
  recommendations: { usd: 0.2, per: 1_000, unit: 'requests' },
  recommenderRequests: { usd: 0.2, per: 1_000, unit: 'requests' },
  events: { usd: 0.05, per: 1_000, unit: 'events' },
  batchRecommendations: { usd: 0.067, per: 1_000, unit: 'batch recommendations' },
  campaignTpsHour: { usd: 0.2, per: 1, unit: 'TPS-hours' },
  interfaceEndpointHour: { usd: 0.01, per: 1, unit: 'endpoint-AZ-hours' },
  stateTransitions: { usd: 0.025, per: 1_000, unit: 'state transitions' },
  apiRequests: { usd: 3.5, per: 1_000_000, unit: 'API requests' },
  queueRequests: { usd: 0.4, per: 1_000_000, unit: 'queue requests' },
  lambdaInvocations: { usd: 0.2, per: 1_000_000, unit: 'invocations' },
};

/** What `quantity` units cost at `price`. */
export function costOf(price: Price, quantity: number): number {
  return (price.usd * quantity) / price.per;
}
