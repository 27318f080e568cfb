import { describe, expect, it } from 'vitest';
import { PodInfo, affinityTermMatches } from './pod-info';
import { makePod } from './testing';

const antiTerm = (pod: ReturnType<typeof makePod>) => new PodInfo(pod.obj()).requiredAntiAffinityTerms[0]!;

describe('PodInfo affinity terms', () => {
  it('shares one parsed term among pods that declare the same one', () => {
    const a = antiTerm(makePod('a').podAntiAffinity('kubernetes.io/hostname', 'color', 'green'));
    const b = antiTerm(makePod('b').podAntiAffinity('kubernetes.io/hostname', 'color', 'green'));
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
  });

  it.each([
    { name: 'another selector', other: makePod('b').podAntiAffinity('kubernetes.io/hostname', 'color', 'blue') },
    { name: 'another topology key', other: makePod('b').podAntiAffinity('topology.kubernetes.io/zone', 'color', 'green') },
    { name: 'another namespace (the default for a term without namespaces)', other: makePod('b').namespace('other').podAntiAffinity('kubernetes.io/hostname', 'color', 'green') },
  ])('keeps terms apart that differ in $name', ({ other }) => {
    const a = antiTerm(makePod('a').podAntiAffinity('kubernetes.io/hostname', 'color', 'green'));
    expect(antiTerm(other)).not.toBe(a);
  });

  it('keeps matchLabelKeys terms of pods with different label values apart', () => {
    const withKeys = (name: string, version: string) =>
      makePod(name)
        .label('version', version)
        .affinity({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } }, matchLabelKeys: ['version'] }] } });
    const v1 = antiTerm(withKeys('a', 'v1'));
    const v2 = antiTerm(withKeys('b', 'v2'));
    expect(v2).not.toBe(v1);
    expect(antiTerm(withKeys('c', 'v1'))).toBe(v1);
    const target = makePod('t').labels({ app: 'web', version: 'v2' }).obj();
    expect(affinityTermMatches(v1, target, undefined)).toBe(false);
    expect(affinityTermMatches(v2, target, undefined)).toBe(true);
  });
});
