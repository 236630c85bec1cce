/**
 * The local AWS the pipeline runs against: moto for S3, KMS, SNS, SSM, CloudWatch and EventBridge, and the
 * Personalize emulator, both on 127.0.0.1, with the environment that points unmodified SDK clients at them.
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../emulator';
import { localAwsEnv } from './env';
import { startMoto, type MotoServer } from './moto';

export interface LocalAws {
  readonly moto: { readonly endpoint: string };
  readonly emulator: RunningEmulator;
  /** Variables that point AWS SDK v3 clients at moto and the emulator. */
  readonly env: Record<string, string>;
  /** Stops what this call started. */
  stop(): Promise<void>;
}

export interface StartLocalAwsOptions {
  /** An already running moto to use instead of starting one (tests pass their worker's). */
  readonly motoEndpoint?: string;
  /** Emulator options (state directory, lifecycle delays, faults ...). */
  readonly emulator?: EmulatorOptions;
}

/** Starts (or reuses) moto, starts the emulator, and sets `process.env` so SDK clients created next use them. */
export async function startLocalAws(options: StartLocalAwsOptions = {}): Promise<LocalAws> {
  // Before the first SDK client (the emulator's S3 client) is created; see localAwsEnv.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let moto: MotoServer | undefined;
  const motoEndpoint = options.motoEndpoint ?? (moto = await startMoto()).endpoint;
  const emulator = await startEmulator({ s3Endpoint: motoEndpoint, ...options.emulator });
  const env = {
    ...localAwsEnv({ moto: motoEndpoint, personalize: emulator.endpoint }),
    AWS_MAX_ATTEMPTS: process.env.AWS_MAX_ATTEMPTS ?? '3',
  };
  Object.assign(process.env, env);
  return {
    moto: { endpoint: motoEndpoint },
    emulator,
    env,
    stop: async () => {
      await emulator.stop();
      await moto?.stop();
    },
  };
}
