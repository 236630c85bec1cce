/**
 * `npm run serve`: the serving API on 127.0.0.1 with the same handlers the ServingStack deploys, against
 * moto and the Personalize emulator (state in `.personalize-local/`, so campaigns trained by an earlier run
 * or by `npm run demo` are reused). Prints each client's API key and a few requests to try, then serves
 * until interrupted.
 *
 *   npm run serve                  # port 8080
 *   npm run serve -- --port 0      # a free port
 *   npm run serve -- --config my.config.json
 *   npm run serve -- --state-dir /tmp/state   # the emulator's state elsewhere
 */
import { parseArgs } from 'node:util';
import { describeProgress } from '../demo/progress';
import { startLocalApi } from './api';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8080' },
      config: { type: 'string', default: 'personalize.config.json' },
      'state-dir': { type: 'string', default: '.personalize-local' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port: "${values.port}" is not a port number`);
  const started = Date.now();
  const stateDir = values['state-dir'];
  console.log(`Starting moto and the Personalize emulator (state in ${stateDir}/) ...`);
  const api = await startLocalApi({
    port,
    configFile: values.config,
    emulator: { dataDir: stateDir },
    pipelineWaitMs: 250,
    onPipelineProgress: (event) => {
      const line = describeProgress(event);
      if (line) console.log(`  ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${line}`);
    },
  });
  const { config } = api;
  console.log(
    api.deployment === 'deployed'
      ? 'The pipeline ran: campaigns, filters and the event tracker are deployed.'
      : 'Using the campaigns the pipeline published before.',
  );
  if (!api.servingFromConfig)
    console.log(
      `${values.config} has no "serving" section: every route the config can serve is open to one client, "local".`,
    );
  console.log(`\nServing API for "${config.projectName}" on ${api.url}\n`);
  console.log('API keys (send as x-api-key):');
  for (const client of api.clients)
    console.log(`  ${client.name.padEnd(16)} ${client.key}  routes: ${client.routes.join(', ')}`);
  const client = api.clients.find((c) => c.routes.includes('recommendations')) ?? api.clients[0];
  if (client) {
    const h = `-H 'x-api-key: ${client.key}'`;
    console.log('\nTry:');
    console.log(`  curl ${h} '${api.url}/recommendations?userId=user-0001&numResults=5'`);
    console.log(`  curl ${h} '${api.url}/recommendations?sessionId=visitor-1'`);
    console.log(`  curl ${h} '${api.url}/items/item-0001/related'`);
    console.log(`  curl ${h} '${api.url}/popular'`);
    console.log(
      `  curl ${h} -H 'content-type: application/json' -d '{"sessionId":"visitor-1","events":[{"eventId":"e-1","eventType":"view","itemId":"item-0002"}]}' ${api.url}/events`,
    );
  }
  console.log(
    `\nEvents go through the queue ${api.queues.queueUrl} (dead letters: ${api.queues.deadLetterQueueUrl}).`,
  );
  console.log('Ctrl-C stops.');
  const stop = () => {
    api.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
