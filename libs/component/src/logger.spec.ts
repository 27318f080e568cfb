import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture(level?: 'debug' | 'info' | 'warn' | 'error') {
  const lines: string[] = [];
  const log = createLogger({
    component: 'test',
    ...(level ? { level } : {}),
    write: (l) => lines.push(l),
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  });
  return { log, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>), lines };
}

describe('createLogger', () => {
  it('writes one JSON object per line with time, level, component and fields', () => {
    const { log, lines, records } = capture();
    log.info('started', { port: 6443 });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(records()[0]).toEqual({ ts: '2026-01-02T03:04:05.000Z', level: 'info', component: 'test', msg: 'started', port: 6443 });
  });

  it.each([
    { name: 'info hides debug', level: 'info' as const, want: ['info', 'warn', 'error'] },
    { name: 'warn hides info', level: 'warn' as const, want: ['warn', 'error'] },
    { name: 'debug shows all', level: 'debug' as const, want: ['debug', 'info', 'warn', 'error'] },
  ])('$name', ({ level, want }) => {
    const { log, records } = capture(level);
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(records().map((r) => r['level'])).toEqual(want);
  });

  it('serialises errors with their cause, and with() adds fields without touching the parent', () => {
    const { log, records } = capture();
    const child = log.with({ pod: 'default/web' });
    child.error('sync failed', { err: new Error('outer', { cause: new Error('inner') }) });
    log.info('plain');
    const [first, second] = records();
    expect(first).toMatchObject({ pod: 'default/web', err: { name: 'Error', message: 'outer', cause: { message: 'inner' } } });
    expect(second).not.toHaveProperty('pod');
  });
});
