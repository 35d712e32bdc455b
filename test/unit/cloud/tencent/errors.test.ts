import * as assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { inspect } from 'node:util';
import { TencentBackend, listEnvironments } from '../../../../src/cloud/tencent';
import { StudioError } from '../../../../src/shared/errors';
import { SECRET_ID, SECRET_KEY, startHarness, transportTo, type Harness } from '../../../fakes/tencent-cloud/harness';

async function failure(p: Promise<unknown>): Promise<StudioError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StudioError, `expected a StudioError, got ${inspect(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** The request ID the fake gave the last request for `action`. */
function lastRequestId(h: Harness, action: string): string {
  const r = h.fake.requests.filter((x) => x.action === action).at(-1);
  assert.ok(r, `no ${action} request reached the fake`);
  return r.requestId;
}

function backendWith(h: Harness, credentials: { secretId: string; secretKey: string; token?: string }, extra: object = {}): TencentBackend {
  return new TencentBackend(h.backend.environment, credentials, { ...h.options, ...extra });
}

describe('TencentBackend errors through manager-node and the fake Cloud API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    await h.backend.database.createCollection('c');
  });
  afterEach(async () => {
    await h.close();
  });

  it('a wrong secret key fails the signature check: Unauthorized with the request ID', async () => {
    const wrongKey = 'definitely-Wrong-Secret-Key-42';
    const e = await failure(backendWith(h, { secretId: SECRET_ID, secretKey: wrongKey }).database.countDocuments('c'));
    assert.equal(e.code, 'Unauthorized');
    assert.match(e.message, /AuthFailure\.SignatureFailure/);
    assert.equal(e.requestId, lastRequestId(h, 'QueryRecords'));
    assert.equal(h.fake.requests.at(-1)!.refused, 'AuthFailure.SignatureFailure');
    assert.ok(!inspect(e, { depth: 10 }).includes(wrongKey));
  });

  it('an expired token: Unauthorized with the request ID', async () => {
    h.fake.inject('QueryRecords', { kind: 'expiredToken' });
    const e = await failure(h.backend.database.countDocuments('c'));
    assert.equal(e.code, 'Unauthorized');
    assert.match(e.message, /TokenFailure/);
    assert.equal(e.requestId, lastRequestId(h, 'QueryRecords'));
  });

  it('a missing permission: Unauthorized naming the action', async () => {
    h.fake.inject('PutItem', { kind: 'error', code: 'UnauthorizedOperation', message: 'CAM signature/authentication error.' });
    const e = await failure(h.backend.database.insertDocuments('c', [{ a: 1 }]));
    assert.equal(e.code, 'Unauthorized');
    assert.match(e.message, /tcb:PutItem/);
    assert.equal(e.requestId, lastRequestId(h, 'PutItem'));
    assert.equal(await h.backend.database.countDocuments('c'), 0);
  });

  it('throttling is retried with back-off, and reported as Throttled when it persists', async () => {
    h.fake.inject('QueryRecords', { kind: 'throttle' }, 2);
    assert.equal(await h.backend.database.countDocuments('c'), 0);
    assert.equal(h.fake.requests.filter((r) => r.action === 'QueryRecords').length, 3);

    h.fake.inject('QueryRecords', { kind: 'throttle' });
    const before = h.fake.requests.length;
    const e = await failure(h.backend.database.countDocuments('c'));
    assert.equal(e.code, 'Throttled');
    assert.equal(h.fake.requests.length - before, 4, 'one attempt and three retries');
    assert.equal(e.requestId, lastRequestId(h, 'QueryRecords'));
  });

  it('a 5xx answer: ServiceError with the request ID', async () => {
    h.fake.inject('DeleteItem', { kind: 'serverError', status: 503 });
    const e = await failure(h.backend.database.deleteDocuments('c', {}, { multi: true }));
    assert.equal(e.code, 'ServiceError');
    assert.match(e.message, /InternalError/);
    assert.equal(e.requestId, lastRequestId(h, 'DeleteItem'));
  });

  it('a body that is not JSON: ServiceError saying so', async () => {
    h.fake.inject('UpdateItem', { kind: 'malformed' });
    const e = await failure(h.backend.database.updateDocuments('c', {}, { $set: { a: 1 } }, { multi: true }));
    assert.equal(e.code, 'ServiceError');
    assert.match(e.message, /not JSON/);
  });

  it('a slow answer: Timeout', async () => {
    h.fake.inject('QueryRecords', { kind: 'slow', delayMs: 2000 });
    const slow = backendWith(h, h.credentials, { timeoutMs: 200 });
    const started = Date.now();
    const e = await failure(slow.database.getDocument('c', 'x'));
    assert.equal(e.code, 'Timeout');
    assert.ok(Date.now() - started < 1500);
  });

  it('cancellation: Cancelled', async () => {
    h.fake.inject('QueryRecords', { kind: 'slow', delayMs: 2000 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await failure(h.backend.database.countDocuments('c', {}, ac.signal));
    assert.equal(e.code, 'Cancelled');
  });

  it('empty credentials are refused before any request, not replaced by the process environment', async () => {
    process.env.TENCENTCLOUD_SECRETID = SECRET_ID;
    process.env.TENCENTCLOUD_SECRETKEY = SECRET_KEY;
    try {
      const before = h.fake.requests.length;
      const e = await failure(listEnvironments({ secretId: '', secretKey: '' }, 'ap-shanghai', h.options));
      assert.equal(e.code, 'Unauthorized');
      assert.equal(h.fake.requests.length, before);
    } finally {
      delete process.env.TENCENTCLOUD_SECRETID;
      delete process.env.TENCENTCLOUD_SECRETKEY;
    }
  });

  it('an unreachable service: Network', async () => {
    const port = await closedPort();
    const e = await failure(listEnvironments(h.credentials, 'ap-shanghai', { transport: { rewriteUrl: (u) => u.replace(/^https:\/\/[^/]+/, `http://127.0.0.1:${port}`) } }));
    assert.equal(e.code, 'Network');
    assert.match(e.message, /ECONNREFUSED/);
  });

  it('other service errors: ServiceError with the request ID and the message', async () => {
    h.fake.inject('QueryRecords', { kind: 'error', code: 'FailedOperation', message: '[QueryRecords] Read overrun' });
    const e = await failure(h.backend.database.queryDocuments('c', {}, { limit: 10 }));
    assert.equal(e.code, 'ServiceError');
    assert.match(e.message, /FailedOperation.*Read overrun/);
    assert.equal(e.requestId, lastRequestId(h, 'QueryRecords'));
  });

  it('the secret key and token never appear in error messages, causes or logs', async () => {
    const token = 'sessionTokenValue-abcdef123456';
    const withToken = backendWith(h, { secretId: SECRET_ID, secretKey: SECRET_KEY, token });
    const errors: StudioError[] = [];
    const faults = [
      { kind: 'throttle' },
      { kind: 'serverError' },
      { kind: 'expiredToken' },
      { kind: 'malformed' },
      // a service that echoes the key back must not leak it either
      { kind: 'error', code: 'InvalidParameter', message: `bad key ${SECRET_KEY} and token ${token}` },
    ] as const;
    for (const fault of faults) {
      h.fake.inject('QueryRecords', fault);
      errors.push(await failure(withToken.database.countDocuments('c')));
      h.fake.clearFaults();
    }
    errors.push(await failure(backendWith(h, { secretId: SECRET_ID, secretKey: 'another-Wrong-Key-777' }).database.countDocuments('c')));
    errors.push(await failure(new TencentBackend({ ...h.backend.environment, envId: 'missing-env' }, h.credentials, { ...h.options, transport: transportTo(h.fake) }).database.listIndexes('c')));
    for (const e of errors) {
      const text = `${e.message}\n${String(e.stack)}\n${inspect(e, { depth: 10 })}\n${JSON.stringify(e)}`;
      assert.ok(!text.includes(SECRET_KEY), `secret key leaked: ${e.message}`);
      assert.ok(!text.includes(token), `token leaked: ${e.message}`);
    }
    assert.deepEqual(
      errors.map((e) => e.code),
      ['Throttled', 'ServiceError', 'Unauthorized', 'ServiceError', 'ServiceError', 'Unauthorized', 'ServiceError'],
    );
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}
