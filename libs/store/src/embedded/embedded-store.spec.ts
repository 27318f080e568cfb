import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCompacted } from '../errors';
import { take } from '../testing';
import { EmbeddedStore } from './embedded-store';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

describe('EmbeddedStore on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-embedded-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('comes back after reopening with its keys, revision, history and compacted revision', async () => {
    const path = join(dir, 'db', 'state.db');
    const s1 = EmbeddedStore.open({ path });
    const a = await s1.create('/r/a', enc('1'));
    const a2 = await s1.update('/r/a', enc('2'), a.modRevision);
    await s1.create('/r/b', enc('b'));
    await s1.compact(a2.modRevision);
    const rev = await s1.currentRevision();
    await s1.close();

    const s2 = EmbeddedStore.open({ path });
    expect(await s2.currentRevision()).toBe(rev);
    expect(await s2.compactedRevision()).toBe(a2.modRevision);
    expect(dec((await s2.get('/r/a'))!.value)).toBe('2');
    expect(isCompacted(await s2.get('/r/a', { revision: a.modRevision }).catch((e: unknown) => e))).toBe(true);
    const next = await s2.create('/r/c', enc('c'));
    expect(next.modRevision).toBe(rev + 1);
    // Watching from a revision after reopening replays what was written before.
    const w = s2.watch('/r/', { prefix: true, startRevision: a2.modRevision });
    expect((await take(w, 3)).map((e) => e.kv.key)).toEqual(['/r/a', '/r/b', '/r/c']);
    w.close();
    await s2.close();
  });

  it('keeps revisions increasing after compaction removed the newest rows', async () => {
    const path = join(dir, 'state.db');
    const s = EmbeddedStore.open({ path });
    const a = await s.create('/x', enc('1'));
    const d = await s.delete('/x');
    await s.compact(d.modRevision);
    await s.close();
    const s2 = EmbeddedStore.open({ path });
    expect(await s2.currentRevision()).toBe(d.modRevision);
    expect((await s2.create('/x', enc('2'))).modRevision).toBe(d.modRevision + 1);
    expect(a.modRevision).toBeLessThan(d.modRevision);
    await s2.close();
  });

  it('ends a watcher that falls too far behind with an error instead of buffering forever', async () => {
    const s = EmbeddedStore.open({ path: join(dir, 'state.db'), watcherBufferLimit: 5 });
    const w = s.watch('/slow/', { prefix: true });
    for (let i = 0; i < 7; i++) await s.create(`/slow/${i}`, enc('x'));
    const err = await take(w, 7).catch((e: unknown) => e);
    expect(String(err)).toMatch(/fell more than 5 events behind/);
    await s.close();
  });

  it('loses no acknowledged write when the writing process is killed with SIGKILL', async () => {
    const path = join(dir, 'state.db');
    const require = createRequire(import.meta.url);
    const script = join(dir, 'writer.mjs');
    // The child writes through better-sqlite3 exactly as EmbeddedStore does (loaded from source
    // through tsx) and prints each acknowledged revision.
    writeFileSync(
      script,
      `import { EmbeddedStore } from ${JSON.stringify(new URL('./embedded-store.ts', import.meta.url).pathname)};
       const store = EmbeddedStore.open({ path: ${JSON.stringify(path)} });
       for (let i = 0; ; i++) {
         const kv = await store.create('/durable/' + String(i).padStart(6, '0'), new TextEncoder().encode('value-' + i));
         process.stdout.write(i + ' ' + kv.modRevision + '\\n');
       }`,
    );
    const tsx = require.resolve('tsx');
    const child = spawn(process.execPath, ['--import', tsx, script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: { i: number; revision: number }[] = [];
    let buffer = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) {
          const [i, revision] = line.split(' ').map(Number);
          acked.push({ i, revision });
        }
        if (acked.length >= 200 && child.exitCode === null && !child.killed) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    expect(acked.length).toBeGreaterThanOrEqual(200);

    const store = EmbeddedStore.open({ path });
    for (const { i, revision } of acked) {
      const kv = await store.get('/durable/' + String(i).padStart(6, '0'));
      expect(kv, `acknowledged write ${i}`).toBeDefined();
      expect(kv!.modRevision).toBe(revision);
      expect(dec(kv!.value)).toBe(`value-${i}`);
    }
    expect(await store.currentRevision()).toBeGreaterThanOrEqual(acked[acked.length - 1].revision);
    await store.close();
  });
});
