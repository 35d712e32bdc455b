import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasCliLogin, readCliCredentials } from '../../../../src/extension/accounts/cliLogin';
import { isStudioError } from '../../../../src/shared/errors';
import { RENEWED, startRefreshServer, type RefreshServer } from '../../../fakes/cliRefreshServer';

const NOW = Date.UTC(2026, 10, 23, 12);
const HOUR = 3600_000;

describe('accounts: the CloudBase CLI login (auth.json)', () => {
  let dir: string;
  let file: string;
  let server: RefreshServer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cbs-cli-login-'));
    file = join(dir, 'auth.json');
    server = await startRefreshServer(() => NOW);
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  const write = (credential: Record<string, unknown>): Promise<void> =>
    writeFile(file, JSON.stringify({ _: 'This file holds your login; do not share it.', credential }));
  const read = (): Promise<Awaited<ReturnType<typeof readCliCredentials>>> => readCliCredentials({ file, refreshUrl: server.url, now: () => NOW });
  const browserLogin = (tmpExpired: number, expired = NOW + 30 * 24 * HOUR): Record<string, unknown> => ({
    tmpSecretId: 'AKIDcliTmpId0123456789',
    tmpSecretKey: 'cliTmpSecretKey-abcdef',
    tmpToken: 'cliTmpToken-123456',
    tmpExpired,
    expired,
    refreshToken: 'refresh-1',
    uin: '100000000001',
    hash: 'machine-hash',
    envId: 'env-1',
  });

  it('no file or no credential: no login', async () => {
    assert.equal(await read(), undefined);
    assert.equal(await hasCliLogin(file), false);
    await writeFile(file, JSON.stringify({ _: 'x' }));
    assert.equal(await read(), undefined);
  });

  it('uses temporary keys that are still valid, without a renewal', async () => {
    await write(browserLogin(NOW + HOUR));
    assert.equal(await hasCliLogin(file), true);
    assert.deepEqual(await read(), {
      credentials: { secretId: 'AKIDcliTmpId0123456789', secretKey: 'cliTmpSecretKey-abcdef', token: 'cliTmpToken-123456' },
      expiresAt: NOW + HOUR,
    });
    assert.equal(server.requests.length, 0);
  });

  it('a key login (tcb login --apiKeyId) gives permanent keys', async () => {
    await write({ secretId: 'AKIDpermanent000', secretKey: 'permanentKey-111' });
    assert.deepEqual(await read(), { credentials: { secretId: 'AKIDpermanent000', secretKey: 'permanentKey-111' } });
  });

  it('renews temporary keys about to expire through the refresh endpoint and writes them back for the CLI', async () => {
    await write(browserLogin(NOW + 60_000));
    const got = await read();
    assert.deepEqual(got?.credentials, { secretId: RENEWED.tmpSecretId, secretKey: RENEWED.tmpSecretKey, token: RENEWED.tmpToken });
    assert.equal(got?.expiresAt, NOW + 2 * HOUR);
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0].refreshToken, 'refresh-1');
    assert.equal(server.requests[0].hash, 'machine-hash');

    const stored = JSON.parse(await readFile(file, 'utf8')) as { _: string; credential: Record<string, unknown> };
    assert.equal(stored._, 'This file holds your login; do not share it.', 'the rest of the file is kept');
    assert.equal(stored.credential.tmpSecretKey, RENEWED.tmpSecretKey);
    assert.equal(stored.credential.refreshToken, 'refresh-2');
    assert.equal(stored.credential.uin, '100000000001');
    if (process.platform !== 'win32') assert.equal((await stat(file)).mode & 0o077, 0, 'only the owner may read the renewed file');

    await read();
    assert.equal(server.requests.length, 1, 'the renewed keys are used without another renewal');
  });

  it('a login past its refresh limit says to log in again, without asking the endpoint', async () => {
    await write(browserLogin(NOW - HOUR, NOW - 1));
    await assert.rejects(read(), (e) => isStudioError(e, 'Unauthorized') && /tcb login/.test(e.message));
    assert.equal(server.requests.length, 0);
  });

  it('a refused renewal is Unauthorized and leaves the file as it was', async () => {
    await write(browserLogin(NOW - 1));
    const before = await readFile(file, 'utf8');
    server.answer = () => ({ body: JSON.stringify({ code: 'AUTH_FAIL', message: 'refresh token expired' }) });
    await assert.rejects(read(), (e) => isStudioError(e, 'Unauthorized') && /refresh token expired/.test(e.message));
    assert.equal(await readFile(file, 'utf8'), before);
  });

  it('an endpoint that answers without JSON, or cannot be reached, is said plainly', async () => {
    await write(browserLogin(NOW - 1));
    server.answer = () => ({ status: 502, body: '<html>bad gateway</html>' });
    await assert.rejects(read(), (e) => isStudioError(e, 'ServiceError') && /HTTP 502/.test(e.message));
    const url = server.url;
    await server.close();
    await assert.rejects(readCliCredentials({ file, refreshUrl: url, now: () => NOW }), (e) => isStudioError(e, 'Network'));
    server = await startRefreshServer(() => NOW);
  });

  it('a file that is not JSON fails without quoting it', async () => {
    await writeFile(file, '{"credential": {"tmpSecretKey": "leaky-secret-value"');
    await assert.rejects(read(), (e) => isStudioError(e, 'InvalidJson') && !e.message.includes('leaky-secret-value'));
  });
});
