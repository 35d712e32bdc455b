/**
 * Child process for the durability test: writes as fast as it can from several concurrent loops
 * and prints one line per acknowledged write, until it is killed.
 *   node durability-writer.js <data folder> <round>
 * Lines: `ready`, `ack <id>` (inserted), `deleting <id>` (about to remove), `del <id>` (removed),
 * `cnt <value>` (counter reached value), `big-start <batch>` / `big-ack <batch>` (a 5,000-document insert),
 * `tx <id>` (a transfer: one batch across two collections, like an /admin transaction's commit).
 */
import { openDatabase, type Database } from '../../../../src/emulator/database';
import type { Collection } from '../../../../src/emulator/database/api';

const [dir, roundText] = process.argv.slice(2);
const round = Number(roundText);
const PAD = 'p'.repeat(200);

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function writer(c: Collection, w: number): Promise<never> {
  for (let i = 0; ; i++) {
    const id = `r${round}-w${w}-${i}`;
    if (i % 5 === 4) {
      const batch = [0, 1, 2].map((j) => ({ _id: `${id}-${j}`, round, w, i, pad: PAD }));
      await c.insertMany(batch);
      for (const d of batch) say(`ack ${d._id}`);
    } else {
      await c.insertMany([{ _id: id, round, w, i, pad: PAD }]);
      say(`ack ${id}`);
    }
    if (i % 7 === 6) {
      const victim = `r${round}-w${w}-${i - 3}`;
      // Announced first: once the delete is written it may survive a kill before its `del` line.
      say(`deleting ${victim}`);
      await c.remove({ _id: victim }, { multi: false });
      say(`del ${victim}`);
    }
    if (i % 3 === 0) {
      const doc = await c.findOneAndUpdate({ _id: 'counter' }, { $inc: { n: 1 } });
      say(`cnt ${String(doc?.n)}`);
    }
    if (i % 11 === 10) await c.update({ round, w, i: { $gte: i - 20 } }, { $set: { touched: i } }, { multi: true });
  }
}

/** Large inserts, one transaction each, so a kill can land in the middle of one. */
async function bigWriter(c: Collection): Promise<never> {
  for (let b = 0; ; b++) {
    const batch = `big-r${round}-${b}`;
    say(`big-start ${batch}`);
    await c.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: `${batch}-${i}`, round, pad: PAD })));
    say(`big-ack ${batch}`);
    // Room for the small writes, which would otherwise wait behind one large commit after another.
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Moves 1 from alice to bob and books it in the ledger: both accounts and the ledger entry, or nothing. */
async function transferWriter(db: Database): Promise<never> {
  for (let t = 0; ; t++) {
    const id = `t-r${round}-${t}`;
    await db.writeBatch([
      { collection: 'accounts', op: 'update', filter: { _id: 'alice' }, update: { $inc: { balance: -1, transfers: 1 } }, options: { multi: false } },
      { collection: 'accounts', op: 'update', filter: { _id: 'bob' }, update: { $inc: { balance: 1 } }, options: { multi: false } },
      { collection: 'ledger', op: 'insert', documents: [{ _id: id, amount: 1, pad: PAD }] },
    ]);
    say(`tx ${id}`);
  }
}

async function main(): Promise<void> {
  const db = await openDatabase(dir);
  const c = db.hasCollection('log') ? db.collection('log') : await db.createCollection('log');
  if (c.count({ _id: 'counter' }) === 0) {
    await c.createIndex({ keys: [{ field: 'round', direction: 1 }, { field: 'w', direction: 1 }] });
    await c.insertMany([{ _id: 'counter', n: 0 }]);
    // Bulk, so the store holds more than a few pages.
    for (let b = 0; b < 10; b++) await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ _id: `bulk-${b}-${i}`, pad: PAD })));
  }
  if (!db.hasCollection('accounts')) {
    await db.createCollection('ledger');
    const accounts = await db.createCollection('accounts');
    await accounts.insertMany([{ _id: 'alice', balance: 1_000_000, transfers: 0 }, { _id: 'bob', balance: 0 }]);
  }
  say('ready');
  await Promise.all([...[0, 1, 2, 3].map((w) => writer(c, w)), bigWriter(c), transferWriter(db)]);
}

main().catch((e) => {
  process.stderr.write(`writer failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
