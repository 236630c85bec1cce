/**
 * Experiments in the serving API: which variant answers a read request, and which attribution source the
 * events that follow carry, so Personalize's metric attribution counts each variant apart.
 *
 * A request of an experiment's route is split by its unit: `user` by the shopper (the userId, or the sessionId
 * of an anonymous shopper), `session` by the sessionId (the shopper when the request has none). An event names
 * its variant with `attributionSource`, as the response gave it; an event without one gets the variant of its
 * user (or session) when the API runs exactly one experiment, so a client that forwards nothing is counted too.
 */
import { assignVariant } from './assignment';

/** An experiment as the serving functions receive it (config `serving.experiments[]`). */
export interface ServingExperiment {
  readonly name: string;
  readonly route: string;
  readonly unit: 'user' | 'session';
  readonly variants: readonly ServingVariant[];
}

/** A variant: the solution or recommender that answers it, and a filter it applies. */
export interface ServingVariant {
  readonly name: string;
  readonly target: string;
  readonly filter?: string;
  readonly share: number;
}

/** Who a request or an event is for. */
export interface Shopper {
  readonly userId?: string;
  readonly sessionId?: string;
}

/** The variant a request got, as the response names it. */
export interface VariantChoice {
  readonly experiment: string;
  readonly variant: ServingVariant;
  /** The `eventAttributionSource` of the events that follow: `<experiment>:<variant>`. */
  readonly attributionSource: string;
}

/** The attribution source of a variant. */
export function attributionSourceOf(experiment: string, variant: string): string {
  return `${experiment}:${variant}`;
}

function unitOf(experiment: ServingExperiment, shopper: Shopper): string | undefined {
  return experiment.unit === 'session'
    ? (shopper.sessionId ?? shopper.userId)
    : (shopper.userId ?? shopper.sessionId);
}

/** The variant of a route's experiment for a shopper; none without an experiment or a shopper to split by. */
export function chooseVariant(
  experiments: readonly ServingExperiment[],
  route: string,
  shopper: Shopper,
): VariantChoice | undefined {
  const experiment = experiments.find((e) => e.route === route);
  if (experiment === undefined) return undefined;
  const unit = unitOf(experiment, shopper);
  if (unit === undefined) return undefined;
  const variant = assignVariant(experiment.name, unit, experiment.variants);
  return {
    experiment: experiment.name,
    variant,
    attributionSource: attributionSourceOf(experiment.name, variant.name),
  };
}

/** Every attribution source the experiments can give. */
export function attributionSources(experiments: readonly ServingExperiment[]): string[] {
  return experiments.flatMap((e) => e.variants.map((v) => attributionSourceOf(e.name, v.name)));
}

/**
 * The attribution source of an event: its own (which must be one of the experiments'), else, with exactly one
 * experiment, the variant of its shopper. @returns a problem sentence instead, for an unknown source
 */
export function eventAttributionSource(
  experiments: readonly ServingExperiment[],
  given: string | undefined,
  shopper: Shopper,
): { source?: string } | { problem: string } {
  if (given !== undefined) {
    const known = attributionSources(experiments);
    if (!known.includes(given))
      return {
        problem:
          known.length > 0
            ? `unknown attribution source "${given}"; the API's experiments give ${known.join(', ')}`
            : `attribution source "${given}" given, but the API runs no experiment`,
      };
    return { source: given };
  }
  const [only, ...others] = experiments;
  if (only === undefined || others.length > 0) return {};
  const unit = unitOf(only, shopper);
  if (unit === undefined) return {};
  return { source: attributionSourceOf(only.name, assignVariant(only.name, unit, only.variants).name) };
}
