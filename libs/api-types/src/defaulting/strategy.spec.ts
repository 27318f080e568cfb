import type { ServiceSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { generateJobSelector, prepareNamespaceForCreate, prepareServiceForCreate } from './strategy';

describe('prepareNamespaceForCreate', () => {
  it.each([
    ['no finalizers', undefined, ['kubernetes']],
    ['other finalizers', ['example.com/x'], ['example.com/x', 'kubernetes']],
    ['kubernetes already', ['kubernetes'], ['kubernetes']],
  ])('%s', (_name, finalizers, want) => {
    const ns = prepareNamespaceForCreate({ metadata: { name: 'a' }, ...(finalizers ? { spec: { finalizers } } : {}), status: { phase: 'Terminating' } });
    expect(ns.spec!.finalizers).toEqual(want);
    expect(ns.status).toEqual({ phase: 'Active' });
  });
});

describe('generateJobSelector', () => {
  it('labels the template and selects the controller uid', () => {
    const job = generateJobSelector({ metadata: { name: 'pi', uid: 'u1' }, spec: { template: { metadata: { labels: { app: 'pi' } } } } });
    expect(job.spec!.template.metadata!.labels).toEqual({
      app: 'pi',
      'batch.kubernetes.io/controller-uid': 'u1',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'u1',
      'job-name': 'pi',
    });
    expect(job.spec!.selector).toEqual({ matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } });
  });

  it('leaves manual selectors alone', () => {
    const spec = { manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: { metadata: { labels: { app: 'pi' } } } };
    expect(generateJobSelector({ metadata: { name: 'pi', uid: 'u1' }, spec: structuredClone(spec) }).spec).toEqual(spec);
  });
});

describe('prepareServiceForCreate', () => {
  const prepared = (spec: ServiceSpec, clusterFamilies?: ('IPv4' | 'IPv6')[]) =>
    prepareServiceForCreate({ spec, status: { loadBalancer: {} } }, { clusterFamilies }).spec;

  it.each<[string, ServiceSpec, ('IPv4' | 'IPv6')[] | undefined, Partial<ServiceSpec>]>([
    ['a plain ClusterIP service', { type: 'ClusterIP' }, undefined, { ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'] }],
    [
      'a requested cluster IP',
      { type: 'ClusterIP', clusterIP: '10.96.0.20' },
      undefined,
      { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' },
    ],
    ['an IPv6 cluster IP', { type: 'ClusterIP', clusterIPs: ['fd00::1'] }, ['IPv4', 'IPv6'], { clusterIP: 'fd00::1', ipFamilies: ['IPv6'], ipFamilyPolicy: 'SingleStack' }],
    [
      'a headless service without selector',
      { type: 'ClusterIP', clusterIP: 'None' },
      undefined,
      { clusterIPs: ['None'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'RequireDualStack' },
    ],
    [
      'PreferDualStack on a dual-stack cluster',
      { type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack' },
      ['IPv6', 'IPv4'],
      { ipFamilies: ['IPv6', 'IPv4'], ipFamilyPolicy: 'PreferDualStack' },
    ],
    [
      'PreferDualStack on a single-stack cluster',
      { type: 'ClusterIP', ipFamilyPolicy: 'PreferDualStack' },
      ['IPv4'],
      { ipFamilies: ['IPv4'], ipFamilyPolicy: 'PreferDualStack' },
    ],
  ])('%s', (_name, spec, families, want) => {
    expect(prepared(spec, families)).toMatchObject(want);
  });

  it('clears status and leaves ExternalName services alone', () => {
    const svc = prepareServiceForCreate({ spec: { type: 'ExternalName', externalName: 'x.example.com' }, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } });
    expect(svc).toEqual({ spec: { type: 'ExternalName', externalName: 'x.example.com' }, status: {} });
  });
});
