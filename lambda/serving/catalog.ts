/**
 * PUT /items and PUT /users: catalogue and profile upserts, one PutItems / PutUsers call of at most 10
 * records into the project's Items / Users dataset (`dataset/<PROJECT_NAME>/ITEMS|USERS`, in ACCOUNT_ID
 * and the function's region).
 */
import { PutItemsCommand, PutUsersCommand } from '@aws-sdk/client-personalize-events';
import { datasetGroupName } from '../../core/names';
import { parseCatalogBody, readJsonBody } from '../../core/serving/requests';
import { requireEnv } from '../shared/env';
import { instrumented } from '../shared/observability';
import { datasetArnOf, personalizeArn, scopeFromEnv } from '../shared/personalize';
import { toItems, toUsers } from './catalog.logic';
import { eventsClient } from './clients';
import { requestKeys, servingApi } from './http';
import { countRequest } from './metrics';
import { parseAllowedOrigins, parseApiClients } from './settings';

const PROJECT_NAME = requireEnv('PROJECT_NAME');
const API_CLIENTS = parseApiClients(requireEnv('API_CLIENTS'));
const ALLOWED_ORIGINS = parseAllowedOrigins(requireEnv('ALLOWED_ORIGINS'));
const DATASET_GROUP_ARN = personalizeArn(scopeFromEnv(), 'dataset-group', datasetGroupName(PROJECT_NAME));

/** This file's routes, each request counted per client. */
const api = servingApi({
  handler: 'catalog',
  clients: API_CLIENTS,
  allowedOrigins: ALLOWED_ORIGINS,
  actions: {
    items: async ({ body }) => {
      const records = parseCatalogBody('items', readJsonBody(body));
      await eventsClient().send(
        new PutItemsCommand({
          datasetArn: datasetArnOf(DATASET_GROUP_ARN, 'ITEMS'),
          items: toItems(records),
        }),
      );
      return { status: 200, body: { updated: records.length } };
    },
    users: async ({ body }) => {
      const records = parseCatalogBody('users', readJsonBody(body));
      await eventsClient().send(
        new PutUsersCommand({
          datasetArn: datasetArnOf(DATASET_GROUP_ARN, 'USERS'),
          users: toUsers(records),
        }),
      );
      return { status: 200, body: { updated: records.length } };
    },
  },
  onRequest: countRequest,
});

/** The Lambda handler: API Gateway REST API proxy events of this file's routes. */
export const handler = instrumented(api, requestKeys);
