import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeTencentCloud, type FakeTencentCloud } from '../../../fakes/tencent-cloud/server';
import { tc3Signature, utcDate } from '../../../fakes/tencent-cloud/signature';

const ID = 'AKIDwireTest';
const KEY = 'wireTestKey';

/** A hand-built Cloud API 3.0 request, so the fake is checked without manager-node. */
async function call(fake: FakeTencentCloud, action: string, params: object, opts: { key?: string; token?: string; timestamp?: number } = {}): Promise<{ Response: Record<string, unknown> }> {
  const body = JSON.stringify(params);
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = tc3Signature({ secretKey: opts.key ?? KEY, service: 'tcb', host: 'tcb.tencentcloudapi.com', timestamp, body });
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    host: 'tcb.tencentcloudapi.com',
    'x-tc-action': action,
    'x-tc-version': '2018-06-08',
    'x-tc-region': 'ap-shanghai',
    'x-tc-timestamp': String(timestamp),
    authorization: `TC3-HMAC-SHA256 Credential=${ID}/${utcDate(timestamp)}/tcb/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`,
  };
  if (opts.token) headers['x-tc-token'] = opts.token;
  // node:http, because fetch will not send a Host header other than the URL's.
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(`${fake.url}/`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
  return JSON.parse(text) as { Response: Record<string, unknown> };
}

function errorCode(r: { Response: Record<string, unknown> }): string | undefined {
  return (r.Response.Error as { Code?: string } | undefined)?.Code;
}

describe('fake Tencent Cloud API (wire level)', () => {
  let dir: string;
  let fake: FakeTencentCloud;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tencent-wire-'));
    fake = await startFakeTencentCloud({ dataDir: dir, secretId: ID, secretKey: KEY, token: 'tok', environments: [{ envId: 'e1' }] });
  });
  afterEach(async () => {
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a well-signed request in the Response envelope with a RequestId', async () => {
    const r = await call(fake, 'DescribeEnvs', {}, { token: 'tok' });
    assert.equal(typeof r.Response.RequestId, 'string');
    assert.deepEqual((r.Response.EnvList as { EnvId: string }[]).map((e) => e.EnvId), ['e1']);
  });

  it('refuses a wrong key, a missing token and a stale timestamp', async () => {
    assert.equal(errorCode(await call(fake, 'DescribeEnvs', {}, { key: 'other', token: 'tok' })), 'AuthFailure.SignatureFailure');
    assert.equal(errorCode(await call(fake, 'DescribeEnvs', {})), 'AuthFailure.TokenFailure');
    assert.equal(errorCode(await call(fake, 'DescribeEnvs', {}, { token: 'tok', timestamp: Math.floor(Date.now() / 1000) - 3600 })), 'AuthFailure.SignatureExpire');
    const refused = await call(fake, 'DescribeEnvs', {}, { key: 'other', token: 'tok' });
    assert.equal(typeof refused.Response.RequestId, 'string');
  });

  it('keeps documents in the engine and enforces QueryRecords limits', async () => {
    assert.equal(errorCode(await call(fake, 'CreateTable', { EnvId: 'e1', TableName: 't' }, { token: 'tok' })), undefined);
    const put = await call(fake, 'PutItem', { EnvId: 'e1', TableName: 't', MgoDocs: ['{"a":{"$numberInt":"1"}}'] }, { token: 'tok' });
    assert.equal((put.Response.InsertedIds as string[]).length, 1);
    const q = await call(fake, 'QueryRecords', { EnvId: 'e1', TableName: 't', MgoQuery: '{"a":1}', MgoLimit: 10 }, { token: 'tok' });
    assert.equal(JSON.parse((q.Response.Data as string[])[0]!).a, 1);
    assert.deepEqual(q.Response.Pager, { Offset: 0, Limit: 10, Total: 1 });
    assert.equal(errorCode(await call(fake, 'QueryRecords', { EnvId: 'e1', TableName: 't', MgoLimit: 1001 }, { token: 'tok' })), 'InvalidParameter');
    assert.equal(errorCode(await call(fake, 'QueryRecords', { EnvId: 'e1', TableName: 'none' }, { token: 'tok' })), 'ResourceNotFound.TableNotExist');
    assert.equal(errorCode(await call(fake, 'NoSuchAction', {}, { token: 'tok' })), 'InvalidAction');
  });

  it('applies an injected fault only as many times as asked', async () => {
    fake.inject('DescribeEnvs', { kind: 'throttle' }, 1);
    assert.equal(errorCode(await call(fake, 'DescribeEnvs', {}, { token: 'tok' })), 'RequestLimitExceeded');
    assert.equal(errorCode(await call(fake, 'DescribeEnvs', {}, { token: 'tok' })), undefined);
  });
});
