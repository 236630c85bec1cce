/**
 * The monthly estimate of a config as `npm run cost` and `npm run local` print it: the config's network (or a
 * profile given instead), its interface endpoints, and the estimate's table.
 */
import type { NetworkSettings, PipelineConfig } from '../config';
import { availabilityZonesOf, deploymentEndpointServices } from '../network';
import { estimateMonthlyCost, formatEstimate, type UsageVolumes } from './estimate';
import { DEFAULT_PRICES, type PriceTable } from './prices';

/** What {@link describeConfigEstimate} may take instead of the config's own settings and the defaults. */
export interface ConfigEstimateOptions {
  readonly volumes?: Partial<UsageVolumes>;
  readonly prices?: PriceTable;
  /** The network to price. @default the config's `network` */
  readonly network?: NetworkSettings;
  /** Where the network came from, for the heading. @default 'from the config' */
  readonly networkSource?: string;
}

/** The heading lines and the table of a config's monthly estimate. */
export function describeConfigEstimate(
  config: PipelineConfig,
  configName: string,
  options: ConfigEstimateOptions = {},
): string[] {
  const network = options.network ?? config.network;
  const source = options.networkSource ?? 'from the config';
  const azs = availabilityZonesOf(network);
  const interfaceEndpoints = deploymentEndpointServices(config).filter((s) => s.kind === 'interface');
  const volumes: Partial<UsageVolumes> = {
    ...options.volumes,
    interfaceEndpoints: azs === 0 ? 0 : interfaceEndpoints.length,
    availabilityZones: azs,
  };
  const lines = [
    `Monthly estimate for ${configName} (project ${config.projectName}), ` +
      (network.enabled
        ? `network profile "${network.profile}" (${azs} AZ, ${source})`
        : `no private network (${source})`),
  ];
  if (azs > 0)
    lines.push(`Interface endpoints the code needs: ${interfaceEndpoints.map((s) => s.name).join(', ')}`);
  lines.push('Prices are illustrative (core/cost/prices.ts says where to check current ones).', '');
  lines.push(formatEstimate(estimateMonthlyCost(config, volumes, options.prices ?? DEFAULT_PRICES)));
  return lines;
}
