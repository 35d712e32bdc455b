/** js-sdk 3.x apps pointed at a local environment, for the client-side suites. */
import { strict as assert } from 'node:assert';
import type { LocalEnvironment } from '../../../../src/emulator/environment';

// js-sdk's typings describe the browser build; its node build is what `require` resolves here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cloudbase = require('@cloudbase/js-sdk') as { init(config: { env: string }): any }; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Sdk = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SignedIn {
  app: Sdk;
  uid: string;
  token: string;
}

/** js-sdk keeps one session per env name and the local environment answers any, so each client gets its own. */
export function clientApp(env: LocalEnvironment, name: string): Sdk {
  const app = cloudbase.init({ env: name });
  app.registerEndPointWithKey({ key: 'GATEWAY', url: `//127.0.0.1:${env.port}/v1`, protocol: 'http' });
  return app;
}

export async function signInAnonymously(env: LocalEnvironment, name: string): Promise<SignedIn> {
  const app = clientApp(env, name);
  const res = await app.auth().signInAnonymously();
  assert.equal(res.error, null, `sign-in failed: ${JSON.stringify(res.error)}`);
  return { app, uid: res.data.user.id as string, token: (await app.auth().getAccessToken()).accessToken as string };
}

/** A token whose payload names someone else, with the original signature: not this environment's. */
export function forged(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  const other = Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else', openid: 'someone-else' })).toString('base64url');
  return `${header}.${other}.${signature}`;
}
