import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmbeddedStore } from './embedded-store';

const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const ACKS_BEFORE_KILL = 150;

describe('EmbeddedStore durability', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tskube-durability-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged write when the writing process is killed with SIGKILL', async () => {
    const path = join(dir, 'state.db');
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const writer = fileURLToPath(new URL('./durability-writer.fixture.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', tsx, writer, path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // 'close', not 'exit': every line the child printed has been read by then.
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('close', (_code, signal) => resolve(signal)));

    const acked: { i: number; revision: number; counterRevision: number }[] = [];
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const [i, revision, counterRevision] = line.split(' ').map(Number);
        acked.push({ i: i!, revision: revision!, counterRevision: counterRevision! });
      }
      // Mid-stream: the child is between writes or inside one when the signal lands.
      if (acked.length >= ACKS_BEFORE_KILL) child.kill('SIGKILL');
    });
    const signal = await exited;
    expect(signal, `writer exited on its own: ${stderr}`).toBe('SIGKILL');
    expect(acked.length).toBeGreaterThanOrEqual(ACKS_BEFORE_KILL);

    const store = EmbeddedStore.open({ path });
    const keys = (await store.list('/durable/')).items;
    // Every acknowledged write is there with its value and revision; at most one more write (in
    // flight when killed) may have landed too.
    for (const { i, revision } of acked) {
      const kv = keys[i];
      expect(kv?.key, `acknowledged write ${i}`).toBe(`/durable/${String(i).padStart(6, '0')}`);
      expect(kv!.modRevision).toBe(revision);
      expect(dec(kv!.value)).toBe(`value-${i}`);
    }
    expect(keys.length - acked.length).toBeLessThanOrEqual(1);
    const last = acked.at(-1)!;
    const counter = await store.get('/counter');
    expect(Number(dec(counter!.value))).toBeGreaterThanOrEqual(last.i);
    expect(counter!.modRevision).toBeGreaterThanOrEqual(last.counterRevision);
    // The revision counter carries on from where the killed process left it.
    const current = await store.currentRevision();
    expect(current).toBeGreaterThanOrEqual(last.counterRevision);
    expect((await store.create('/after', new Uint8Array([1]))).modRevision).toBe(current + 1);
    await store.close();
  });
});
