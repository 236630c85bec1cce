import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A running `moto_server` on the loopback interface. */
export interface MotoServer {
  /** Base URL, e.g. `http://127.0.0.1:50123`. Serves every AWS service moto implements. */
  readonly endpoint: string;
  readonly port: number;
  /** Stops the server and waits for the process to exit. */
  stop(): Promise<void>;
}

export interface StartMotoOptions {
  /** Port to listen on. @default a free port chosen by the operating system */
  readonly port?: number;
  /** How long to wait for the server to answer. @default 30 seconds */
  readonly readyTimeoutMs?: number;
  /** Project root used to find `.venv/` and `requirements-dev.txt`. @default process.cwd() */
  readonly projectRoot?: string;
}

/** Thrown when a Python development tool (moto, cfn-lint) can be neither found nor installed; the message says what to install. */
export class DevToolNotFoundError extends Error {
  override readonly name = 'DevToolNotFoundError';
}

/** The Python tools `npm test` and `npm run demo` need, with the one line that says how to get each. */
const INSTALL_HINTS = {
  moto_server:
    'moto_server not found: install it with `pip install -r requirements-dev.txt` (moto[server] 5.2) and make sure it is on PATH.',
  'cfn-lint':
    'cfn-lint not found: install it with `pip install -r requirements-dev.txt` (cfn-lint 1.51) and make sure it is on PATH.',
} as const;

/** A Python command-line tool listed in `requirements-dev.txt`. */
export type DevTool = keyof typeof INSTALL_HINTS;

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Finds a Python tool from `requirements-dev.txt`: the one on PATH, else the project's `.venv/`, else a
 * virtualenv created from `requirements-dev.txt` (needs PyPI). Throws {@link DevToolNotFoundError}, whose
 * message says what to install, when none works.
 */
export function resolveDevTool(tool: DevTool, projectRoot = process.cwd()): string {
  if (onPath(tool)) return tool;
  const venvBin = join(projectRoot, '.venv', 'bin', tool);
  if (existsSync(venvBin)) return venvBin;
  const requirements = join(projectRoot, 'requirements-dev.txt');
  if (onPath('python3') && existsSync(requirements)) {
    const venv = spawnSync('python3', ['-m', 'venv', join(projectRoot, '.venv')], { stdio: 'ignore' });
    const pip = join(projectRoot, '.venv', 'bin', 'pip');
    if (venv.status === 0 && existsSync(pip)) {
      const install = spawnSync(pip, ['install', '--quiet', '-r', requirements], {
        stdio: 'ignore',
        timeout: 300_000,
      });
      if (install.status === 0 && existsSync(venvBin)) return venvBin;
    }
  }
  throw new DevToolNotFoundError(INSTALL_HINTS[tool]);
}

/** Asks the operating system for a free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`moto_server exited with code ${child.exitCode} before it was ready`);
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Starts `moto_server` on 127.0.0.1 and resolves once it answers. */
export async function startMoto(options: StartMotoOptions = {}): Promise<MotoServer> {
  const command = resolveDevTool('moto_server', options.projectRoot);
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(command, ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  try {
    await waitUntilReady(endpoint, child, options.readyTimeoutMs ?? 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Wipes all state held by a moto server. */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}
