import { localAwsEnv } from '../../local/harness/env';
import { resetMoto } from '../../local/harness/moto';

const endpoints = (process.env.MOTO_ENDPOINTS ?? '').split(',').filter(Boolean);
const worker = Number(process.env.JEST_WORKER_ID ?? '1');
const motoEndpoint = endpoints[(worker - 1) % Math.max(1, endpoints.length)];
if (!motoEndpoint)
  throw new Error('MOTO_ENDPOINTS is not set: run the tests through jest (globalSetup starts moto).');

// Point every SDK client created by the code under test at this worker's moto server.
Object.assign(process.env, localAwsEnv({ moto: motoEndpoint }), {
  AWS_MAX_ATTEMPTS: '1',
  MOTO_ENDPOINT: motoEndpoint,
});

// Every test file starts from an empty moto.
beforeAll(async () => {
  await resetMoto(motoEndpoint);
});
