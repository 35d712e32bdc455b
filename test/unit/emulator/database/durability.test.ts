import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase } from '../../../../src/emulator/database';
import { tempFolder } from './support';

const WRITER = join(__dirname, 'durability-writer.js');

interface Acknowledged {
  inserted: Set<string>;
  /** Deletes begun: done or not, depending on when the kill came. */
  deleting: Set<string>;
  deleted: Set<string>;
  counter: number;
  /** Large batches acknowledged whole. */
  big: Set<string>;
  /** Transfers across two collections acknowledged. */
  transfers: Set<string>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Runs the writer until the moment `kill` picks, SIGKILLs it and returns what it acknowledged.
 * Only complete lines count: a line cut by the kill was never fully reported.
 */
async function runAndKill(dir: string, round: number, kill: (output: () => string) => Promise<void>, into: Acknowledged): Promise<void> {
  const child = spawn(process.execPath, [WRITER, dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 20_000;
  while (!out.includes('ready\n')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`writer did not start: ${err}`);
    await sleep(5);
  }
  await kill(() => out);
  child.kill('SIGKILL');
  await exited;
  assert.equal(err, '', 'the writer reported no error');
  const lines = out.slice(0, out.lastIndexOf('\n')).split('\n');
  for (const line of lines) {
    const [kind, value] = line.split(' ');
    if (kind === 'ack') into.inserted.add(value);
    else if (kind === 'deleting') into.deleting.add(value);
    else if (kind === 'del') into.deleted.add(value);
    else if (kind === 'cnt') into.counter = Math.max(into.counter, Number(value));
    else if (kind === 'big-ack') into.big.add(value);
    else if (kind === 'tx') into.transfers.add(value);
  }
}

describe('database durability (a real process, killed at random)', function () {
  this.timeout(120_000);

  it('keeps every acknowledged write through SIGKILLs, also in the middle of a large transaction or of a batch across collections', async () => {
    const folder = tempFolder();
    const acked: Acknowledged = { inserted: new Set(), deleting: new Set(), deleted: new Set(), counter: 0, big: new Set(), transfers: new Set() };
    let killedInBigWrite = 0;
    try {
      for (let round = 1; round <= 6; round++) {
        await runAndKill(
          folder.dir,
          round,
          async (output) => {
            if (round % 2 === 1) {
              await sleep(400 + Math.floor(Math.random() * 800));
              return;
            }
            // Even rounds: kill while a 5,000-document insert is being committed.
            const until = Date.now() + 5000;
            const started = () => (output().match(/^big-start /gm) ?? []).length > (output().match(/^big-ack /gm) ?? []).length;
            while (!started() && Date.now() < until) await sleep(1);
            await sleep(Math.floor(Math.random() * 20));
            if (started()) killedInBigWrite++;
          },
          acked,
        );

        const db = await openDatabase(folder.dir);
        const c = db.collection('log');
        const present = new Set(c.find({}, { projection: { _id: 1 } }).documents.map((d) => d._id));
        for (const id of acked.inserted) {
          if (!acked.deleting.has(id)) assert.ok(present.has(id), `round ${round}: acknowledged insert ${id} is missing`);
        }
        for (const id of acked.deleted) assert.ok(!present.has(id), `round ${round}: acknowledged delete ${id} came back`);
        // A batch insert is one transaction: after any kill it is there whole or not at all.
        for (const id of present) {
          const batch = /^(r\d+-w\d+-\d+)-\d$/.exec(id);
          if (batch) for (const j of [0, 1, 2]) assert.ok(present.has(`${batch[1]}-${j}`), `round ${round}: batch ${batch[1]} is partial`);
        }
        const bigCounts = new Map<string, number>();
        for (const id of present) {
          const big = /^(big-r\d+-\d+)-\d+$/.exec(id);
          if (big) bigCounts.set(big[1], (bigCounts.get(big[1]) ?? 0) + 1);
        }
        for (const [batch, n] of bigCounts) assert.equal(n, 5000, `round ${round}: large batch ${batch} is partial`);
        for (const batch of acked.big) assert.equal(bigCounts.get(batch), 5000, `round ${round}: acknowledged large batch ${batch} is missing`);
        const counter = c.find({ _id: 'counter' }).documents[0].n as number;
        assert.ok(counter >= acked.counter, `round ${round}: counter ${counter} < acknowledged ${acked.counter}`);
        // A batch across collections is one transaction too: both accounts and the ledger agree.
        const [alice, bob] = ['alice', 'bob'].map((id) => db.collection('accounts').find({ _id: id }).documents[0]);
        const ledger = new Set(db.collection('ledger').find({}, { projection: { _id: 1 } }).documents.map((d) => d._id));
        assert.equal((alice.balance as number) + (bob.balance as number), 1_000_000, `round ${round}: money appeared or vanished`);
        assert.equal(alice.transfers, bob.balance, `round ${round}: one account's side of a transfer is missing`);
        assert.equal(ledger.size, bob.balance, `round ${round}: the ledger disagrees with the accounts`);
        for (const id of acked.transfers) assert.ok(ledger.has(id), `round ${round}: acknowledged transfer ${id} is missing`);
        // Indexes rebuilt from the files agree with a full scan.
        assert.equal(c.count({ round, w: 0 }), c.find({}).documents.filter((d) => d.round === round && d.w === 0).length);
        await db.close();
        assert.ok(!existsSync(join(folder.dir, 'LOCK')));
      }
      assert.ok(acked.inserted.size > 100, `only ${acked.inserted.size} writes were acknowledged`);
      assert.ok(killedInBigWrite >= 1, 'no kill landed during a large transaction');
      assert.ok(acked.transfers.size > 100, `only ${acked.transfers.size} transfers were acknowledged`);
    } finally {
      folder.remove();
    }
  });
});
