import { causeMessage, subject } from '../../../lambda/shared/notifications';

describe('notification texts', () => {
  test('reads the message out of a Lambda error cause and keeps other causes as they are', () => {
    expect(causeMessage('{"errorType":"ResourceFailed","errorMessage":"arn is CREATE FAILED: why"}')).toBe(
      'arn is CREATE FAILED: why',
    );
    expect(causeMessage('plain text')).toBe('plain text');
  });

  test('keeps SNS subjects within 100 printable characters', () => {
    expect(subject(`a\n${'x'.repeat(200)}`)).toHaveLength(100);
  });
});
