/**
 * Transactions through the real SDKs: node-sdk 3.x's db.startTransaction() and db.runTransaction(fn)
 * (@cloudbase/database 1.x) and tcb-admin-node 1.x's (0.9, the *InTransaction actions), as booking and
 * order code uses them: isolation, conflicts with the cloud's code, all or nothing, durable commits,
 * aborts that leave nothing, and runTransaction trying again after a conflict.
 */
import { strict as assert } from 'node:assert';
import * as tcb from '@cloudbase/node-sdk';
import { startLocalEnvironment, type LocalEnvironment } from '../../../../src/emulator/environment';
import { makeProject, postJson, type TestProject } from './support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tcbAdmin = require('tcb-admin-node') as { init(config: object): { database(): Json } };

const CONFLICT = 'DATABASE_TRANSACTION_CONFLICT';

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (e: Json) => {
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return true;
  });
}

describe('/admin transactions', function () {
  this.timeout(30_000);
  let project: TestProject;
  let env: LocalEnvironment;
  let db: Json;
  const config = () => ({ env: env.envId, secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: env.adminUrl });
  const stored = (c: string, id: string) => env.database.collection(c).find({ _id: id }).documents[0];

  before(async function () {
    project = makeProject('cbs-tx-');
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-tx' });
    db = tcb.init(config()).database();
    await env.database.createCollection('rooms');
    await env.database.createCollection('bookings');
  });
  beforeEach(async function () {
    await env.database.collection('rooms').remove({}, { multi: true });
    await env.database.collection('bookings').remove({}, { multi: true });
    await env.database.collection('rooms').insertMany([
      { _id: 'r1', free: 2 },
      { _id: 'r2', free: 0 },
    ]);
  });
  after(async function () {
    await env?.close();
    project?.remove();
  });

  it('startTransaction: reads its own writes, hides them until commit, then all are there and durable', async function () {
    const t = await db.startTransaction();
    const room = (await t.collection('rooms').doc('r1').get()).data;
    assert.equal(room.free, 2);
    await t.collection('rooms').doc('r1').update({ free: room.free - 1 });
    const added = await t.collection('bookings').add({ room: 'r1', who: 'ann' });
    await t.collection('rooms').doc('r2').remove();
    await t.collection('rooms').doc('r3').set({ free: 5 });
    assert.equal((await t.collection('rooms').doc('r1').get()).data.free, 1, 'the transaction sees its own write');
    assert.equal(stored('rooms', 'r1').free, 2, 'nobody else does before commit');
    assert.equal(env.database.collection('bookings').count(), 0);
    await t.commit();
    assert.equal(stored('rooms', 'r1').free, 1);
    assert.equal(stored('bookings', added.id).who, 'ann');
    assert.equal(stored('rooms', 'r2'), undefined);
    assert.equal(stored('rooms', 'r3').free, 5);
    // Durable: the data folder opened afresh has every write.
    await env.close();
    env = await startLocalEnvironment({ projectRoot: project.root, envId: 'local-tx' });
    db = tcb.init(config()).database();
    assert.equal(stored('rooms', 'r1').free, 1);
    assert.equal(stored('bookings', added.id).who, 'ann');
  });

  it('rollback leaves nothing', async function () {
    const t = await db.startTransaction();
    await t.collection('rooms').doc('r1').update({ free: 0 });
    await t.collection('bookings').add({ room: 'r1' });
    await t.collection('rooms').doc('r2').remove();
    await t.rollback();
    assert.equal(stored('rooms', 'r1').free, 2);
    assert.ok(stored('rooms', 'r2'));
    assert.equal(env.database.collection('bookings').count(), 0);
    await rejectsWith(t.commit(), CONFLICT);
  });

  it('a second transaction writing the same document conflicts at once', async function () {
    const a = await db.startTransaction();
    const b = await db.startTransaction();
    await a.collection('rooms').doc('r1').update({ free: 1 });
    await rejectsWith(b.collection('rooms').doc('r1').update({ free: 0 }), CONFLICT);
    await a.commit();
    assert.equal(stored('rooms', 'r1').free, 1);
  });

  it('a commit after another writer changed a document it read or wrote fails whole, with the cloud code', async function () {
    const t = await db.startTransaction();
    await t.collection('rooms').doc('r1').get();
    await t.collection('rooms').doc('r2').update({ free: 9 });
    await t.collection('bookings').add({ _id: 'bk', room: 'r2' });
    await env.database.collection('rooms').update({ _id: 'r1' }, { $set: { free: 7 } }, { multi: false });
    await rejectsWith(t.commit(), CONFLICT);
    assert.equal(stored('rooms', 'r2').free, 0, 'nothing of the transaction was written');
    assert.equal(stored('bookings', 'bk'), undefined);
    assert.equal(stored('rooms', 'r1').free, 7, 'the other writer kept its write');
  });

  it('runTransaction commits what the callback wrote and returns its result', async function () {
    const result = await db.runTransaction(async (t: Json) => {
      const room = (await t.collection('rooms').doc('r1').get()).data;
      await t.collection('rooms').doc('r1').update({ free: room.free - 1 });
      await t.collection('bookings').add({ _id: 'b1', room: 'r1' });
      return { left: room.free - 1 };
    });
    assert.deepEqual(result, { left: 1 });
    assert.equal(stored('rooms', 'r1').free, 1);
    assert.ok(stored('bookings', 'b1'));
  });

  it('runTransaction tries again after a conflict, as the SDK expects, and the retry sees the other write', async function () {
    let attempts = 0;
    const result = await db.runTransaction(async (t: Json) => {
      attempts++;
      const room = (await t.collection('rooms').doc('r1').get()).data;
      // Someone else books the room between this read and this write, once.
      if (attempts === 1) await env.database.collection('rooms').update({ _id: 'r1' }, { $inc: { free: -1 } }, { multi: false });
      await t.collection('rooms').doc('r1').update({ free: room.free - 1 });
      return room.free - 1;
    });
    assert.equal(attempts, 2);
    assert.equal(result, 0);
    assert.equal(stored('rooms', 'r1').free, 0, 'both bookings count');
  });

  it('runTransaction rolls back with the callback\'s reason and writes nothing', async function () {
    await assert.rejects(
      db.runTransaction(async (t: Json) => {
        await t.collection('rooms').doc('r2').update({ free: -1 });
        await t.rollback('no rooms left');
      }),
      (e: unknown) => e === 'no rooms left',
    );
    assert.equal(stored('rooms', 'r2').free, 0);
  });

  it('tcb-admin-node 1.x (wx-server-sdk 1.x): getInTransaction, insert/update/deleteDocInTransaction, commit', async function () {
    const legacy = tcbAdmin.init(config()).database();
    const out = await legacy.runTransaction(async (t: Json) => {
      const room = (await t.collection('rooms').doc('r1').get()).data;
      await t.collection('rooms').doc('r1').update({ free: room.free - 1 });
      await t.collection('bookings').doc('legacy').create({ room: 'r1' });
      await t.collection('rooms').doc('r2').delete();
      await t.collection('rooms').doc('r4').set({ free: 1 });
      return room.free;
    });
    assert.equal(out, 2);
    assert.equal(stored('rooms', 'r1').free, 1);
    assert.equal(stored('bookings', 'legacy').room, 'r1');
    assert.equal(stored('rooms', 'r2'), undefined);
    assert.equal(stored('rooms', 'r4').free, 1);
  });

  it('refuses queries over several documents inside a transaction, and unknown transactions with the conflict code', async function () {
    const t = await db.startTransaction();
    const reply = await postJson(env.adminUrl, { action: 'database.calculateDocument', collectionName: 'rooms', transactionId: t._id });
    assert.equal(reply.code, 'DATABASE_REQUEST_FAILED');
    const unknown = await postJson(env.adminUrl, { action: 'database.commitTransaction', transactionId: 'nope' });
    assert.equal(unknown.code, CONFLICT);
    await t.rollback();
  });
});
