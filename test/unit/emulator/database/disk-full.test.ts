/**
 * A real local environment on a tmpfs that fills up and is freed: node-sdk's writes on the full
 * disk answer a coded "the disk is full" error, nothing of a refused write is kept (also after the
 * environment reopens), and writes succeed again once space is freed, without a restart.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import * as tcb from '@cloudbase/node-sdk';
import { spawnOnTmpfs, tmpfsSupport, type TmpfsChild } from '../../../support/tmpfs';
import { makeProject, type TestProject } from '../server/support';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const CHILD = join(__dirname, 'disk-full-environment.js');
const TMPFS_BYTES = 8 * 1024 * 1024;

/** Drives the child: one command out, one JSON line back. */
class Environment {
  private readonly replies: ((line: string) => void)[] = [];
  private stderr = '';
  private exited = false;
  constructor(readonly process: TmpfsChild) {
    createInterface({ input: process.child.stdout }).on('line', (line) => this.replies.shift()?.(line));
    process.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    process.child.once('exit', () => (this.exited = true));
  }
  /** What the environment wrote to stderr (lmdb-js prints a failed commit's cause there). */
  get errorOutput(): string {
    return this.stderr;
  }
  async send(op: string): Promise<Json> {
    const line = await new Promise<string>((resolve, reject) => {
      const gone = () => reject(new Error(`the environment exited: ${this.stderr}`));
      if (this.exited) return gone();
      this.replies.push(resolve);
      this.process.child.once('exit', gone);
      this.process.child.stdin.write(`${JSON.stringify({ op })}\n`);
    });
    const answer = JSON.parse(line) as Json;
    if (!answer.ok) throw new Error(`${op} failed in the environment: ${answer.error}`);
    return answer;
  }
}

/** Text that no store can make smaller, so its size on disk is its length. */
const incompressible = (bytes: number): string => randomBytes(bytes / 2).toString('hex');

describe('a local environment on a tmpfs that fills up and is freed', function () {
  this.timeout(60_000);
  let project: TestProject;
  let environment: Environment;
  let app: Json;

  before(async function () {
    const support = tmpfsSupport();
    if (!support.method) {
      console.log(`      skipped: ${support.reason}`);
      this.skip();
    }
    project = makeProject('cbs-disk-full-');
    environment = new Environment(spawnOnTmpfs(CHILD, [project.root], TMPFS_BYTES));
    const { adminUrl } = await environment.send('start');
    app = tcb.init({ env: 'disk-env', secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: adminUrl });
    console.log(`      tmpfs mounted ${environment.process.method === 'root' ? 'directly (root)' : 'through unshare -rm'}`);
  });
  after(async function () {
    if (environment) {
      await environment.send('stop').catch(() => undefined);
      await environment.process.exited;
    }
    project?.remove();
  });

  const ids = async (): Promise<string[]> => ((await app.database().collection('notes').field({ _id: true }).get()).data as { _id: string }[]).map((d) => d._id).sort();
  const diskFull = (e: unknown): boolean => /the disk is full/.test(String((e as Error).message)) && /nothing was kept/.test(String((e as Error).message));

  it('refuses writes on the full disk with a clear error and keeps nothing of them', async () => {
    const db = app.database();
    await db.createCollection('notes');
    await db.collection('notes').add({ _id: 'before', text: 'kept' });
    const filled = await environment.send('fill');
    assert.equal(filled.freeBytes, 0, 'the tmpfs is full');
    for (const size of [1000, 100_000, 600_000]) {
      await assert.rejects(db.collection('notes').add({ _id: `big-${size}`, text: incompressible(size) }), diskFull);
    }
    await assert.rejects(db.collection('notes').doc('before').update({ text: incompressible(200_000) }), diskFull);
    await assert.rejects(app.uploadFile({ cloudPath: 'full.bin', fileContent: Buffer.alloc(100_000, 1) }), diskFull);
    assert.deepEqual(await ids(), ['before']);
    assert.equal((await db.collection('notes').doc('before').get()).data[0].text, 'kept');
    assert.equal((await db.collection('notes').count()).total, 1);
    assert.deepEqual((await environment.send('errors')).errors, [], 'the environment reported no failure of its own and kept running');
  });

  it('writes again once space is freed, without a restart, and a reopened environment has exactly what was kept', async () => {
    await environment.send('free');
    const db = app.database();
    await db.collection('notes').add({ _id: 'after', text: incompressible(600_000) });
    await db.collection('notes').doc('before').update({ text: 'updated' });
    const { fileID } = await app.uploadFile({ cloudPath: 'freed.bin', fileContent: Buffer.alloc(100_000, 2) });
    assert.deepEqual(await ids(), ['after', 'before']);
    const { adminUrl } = await environment.send('restart');
    app = tcb.init({ env: 'disk-env', secretId: 'AKIDlocal', secretKey: 'local-secret', serviceUrl: adminUrl });
    assert.deepEqual(await ids(), ['after', 'before']);
    assert.equal((await app.database().collection('notes').count()).total, 2);
    assert.equal((await app.database().collection('notes').doc('before').get()).data[0].text, 'updated');
    assert.ok(Buffer.from((await app.downloadFile({ fileID })).fileContent).equals(Buffer.alloc(100_000, 2)));
    await assert.rejects(app.downloadFile({ fileID: fileID.replace('freed.bin', 'full.bin') }), 'nothing of the refused upload is stored');
  });
});
