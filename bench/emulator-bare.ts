/**
 * The baseline for bench/emulator-runtime.ts: a bare `node:http` server in its own process that
 * answers every request with a fixed JSON body (the size of a real GetRecommendations response).
 *
 *   node --import tsx bench/emulator-bare.ts <port> <body>
 *
 * Prints `ready` once listening.
 */
import { createServer } from 'node:http';

const port = Number(process.argv[2] ?? '0');
const body = process.argv[3] ?? '{}';
const length = Buffer.byteLength(body);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': length });
    res.end(body);
  });
});
server.keepAliveTimeout = 30_000;
server.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => server.close(() => process.exit(0)));
