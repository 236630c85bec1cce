import { loadConfig, parseConfig } from '../../core/config';
import { availabilityZonesOf } from '../../core/network';
import { issuesOf, minimalConfig } from './helpers';

describe('the network section', () => {
  test('defaults to a private network of the prod profile', () => {
    // Act
    const config = parseConfig(minimalConfig());

    // Assess
    expect(config.network).toEqual({ enabled: true, profile: 'prod' });
    expect(availabilityZonesOf(config.network)).toBe(2);
  });

  test('is on in the sample config', () => {
    // Act
    const config = loadConfig('personalize.config.json');

    // Assess
    expect(config.network.enabled).toBe(true);
  });

  test.each([
    [{ enabled: false }, 0],
    [{ profile: 'dev' }, 1],
    [{ profile: 'prod' }, 2],
    [{ profile: 'prod', availabilityZones: 3 }, 3],
    [{ availabilityZones: 4 }, 4],
  ])('%j spans %d Availability Zones', (network, zones) => {
    // Act
    const config = parseConfig({ ...minimalConfig(), network });

    // Assess
    expect(availabilityZonesOf(config.network)).toBe(zones);
  });

  test.each([
    [
      'an unknown profile',
      { profile: 'staging' },
      'network.profile: string "staging" is not allowed; expected one of "dev", "prod"',
    ],
    [
      'a prod network in one Availability Zone',
      { availabilityZones: 1 },
      'network.availabilityZones: a prod network spans at least 2 Availability Zones; use profile "dev" for one',
    ],
    [
      'more Availability Zones than a Region has',
      { availabilityZones: 7 },
      'network.availabilityZones: 7 is too large; expected at most 6',
    ],
    [
      'an Availability Zone count on a dev network',
      { profile: 'dev', availabilityZones: 2 },
      'network.availabilityZones: a dev network spans exactly one Availability Zone; remove availabilityZones, or use profile "prod" for two or more',
    ],
    [
      'enabled given as text',
      { enabled: 'yes' },
      'network.enabled: expected true or false, received string "yes"',
    ],
    [
      'an unknown key',
      { nat: true },
      'network.nat: unknown key "nat"; allowed keys are enabled, profile, availabilityZones',
    ],
  ])('refuses %s, naming the field', (_case, network, message) => {
    // Act
    const issues = issuesOf({ ...minimalConfig(), network });

    // Assess
    expect(issues).toEqual([expect.stringContaining(message)]);
  });
});
