/**
 * Child process of durability.spec.ts: writes through EmbeddedStore as fast as it can and prints
 * one line per acknowledged write (`<i> <create revision> <counter revision>`), until killed.
 * Runs from source: `node --import tsx durability-writer.fixture.ts <db path>`.
 */
import { EmbeddedStore } from './embedded-store';

const path = process.argv[2];
if (!path) throw new Error('usage: durability-writer.fixture.ts <db path>');
const store = EmbeddedStore.open({ path });
const enc = (s: string) => new TextEncoder().encode(s);

let counter = await store.create('/counter', enc('-1'));
for (let i = 0; ; i++) {
  const kv = await store.create(`/durable/${String(i).padStart(6, '0')}`, enc(`value-${i}`));
  counter = await store.update('/counter', enc(String(i)), counter.modRevision);
  // Synchronous on a pipe on Linux: the line is out before the next write starts.
  process.stdout.write(`${i} ${kv.modRevision} ${counter.modRevision}\n`);
}
