import { batchJobPrefixes, datasetGroupName, resourceName, ResourceNameError } from '../../core/config';

describe('resource names', () => {
  test('prefix every resource with the project name', () => {
    // Act & Assess
    expect(resourceName({ projectName: 'shop-recs' }, 'popular')).toBe('shop-recs-popular');
  });

  test('name the dataset group after the project itself', () => {
    // Act & Assess
    expect(datasetGroupName({ projectName: 'shop-recs' })).toBe('shop-recs');
  });

  test('refuse a name longer than Personalize allows', () => {
    // Prepare
    const name = 'x'.repeat(60);

    // Act & Assess
    expect(() => resourceName({ projectName: 'shop' }, name)).toThrow(ResourceNameError);
    expect(() => resourceName({ projectName: 'shop' }, name)).toThrow(
      `Resource name "shop-${name}" is 65 characters long; Personalize allows at most 63.`,
    );
  });

  test('refuse characters Personalize does not accept', () => {
    // Act & Assess
    expect(() => resourceName({ projectName: 'shop' }, 'with space')).toThrow(
      'Resource name "shop-with space" may only contain letters, digits, "-" and "_", and must start with a letter or digit.',
    );
  });
});

describe('batchJobPrefixes', () => {
  test('give each job its own input and output prefix in the data bucket', () => {
    // Act & Assess
    expect(batchJobPrefixes('nightly-recs')).toEqual({
      input: 'batch/nightly-recs/input/',
      output: 'batch/nightly-recs/output/',
    });
  });
});
