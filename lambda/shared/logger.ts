import { Logger } from '@aws-lambda-powertools/logger';

/** The one Powertools logger of every pipeline function (service `personalize-pipeline`). */
export const logger = new Logger({ serviceName: 'personalize-pipeline' });
