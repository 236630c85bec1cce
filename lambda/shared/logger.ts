/** The one Powertools logger of every pipeline function (service `personalize-pipeline`). */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'personalize-pipeline' });
