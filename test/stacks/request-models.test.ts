import * as z from 'zod/mini';
import { eventEnvelopeSchema } from '../../core/serving/events';
import { requestModelSchema, UnsupportedSchemaError } from '../../lib/constructs/request-models';

describe('requestModelSchema', () => {
  test('turns a zod schema into a draft-4 model: strict objects, optional members, unions and limits', () => {
    // Prepare
    const schema = z.strictObject({
      sessionId: z.string().check(z.minLength(1), z.maxLength(256)),
      sentAt: z.optional(z.union([z.number().check(z.positive()), z.string()])),
      tags: z.optional(z.array(z.string()).check(z.maxLength(25))),
    });

    // Act
    const model = requestModelSchema(schema);

    // Assess
    expect(model).toEqual({
      type: 'object',
      properties: {
        sessionId: { type: 'string', minLength: 1, maxLength: 256 },
        sentAt: {
          anyOf: [{ type: 'number', minimum: 0, exclusiveMinimum: true }, { type: 'string' }],
        },
        tags: { type: 'array', maxItems: 25, items: { type: 'string' } },
      },
      required: ['sessionId'],
      additionalProperties: false,
    });
  });

  test('converts a schema of the serving code (the queued event envelope)', () => {
    const model = requestModelSchema(eventEnvelopeSchema);

    expect(model.required).toEqual(['v', 'sessionId', 'events']);
    expect(model.properties?.events).toMatchObject({ type: 'array', minItems: 1, maxItems: 10 });
  });

  test('refuses a schema without a JSON Schema form, saying so', () => {
    expect(() => requestModelSchema(z.strictObject({ at: z.date() }))).toThrow(UnsupportedSchemaError);
    expect(() => requestModelSchema(z.strictObject({ at: z.date() }))).toThrow(/no JSON Schema form/);
  });
});
