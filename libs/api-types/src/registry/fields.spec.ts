import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../types/object';
import { count, eventSource, flag, objectMetaFields, podIP, text } from './fields';

const obj = (fields: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'X', metadata: {}, ...fields });

describe('field getters render as Kubernetes does', () => {
  it.each([
    { name: 'string present', getter: text('spec', 'nodeName'), input: obj({ spec: { nodeName: 'n1' } }), want: 'n1' },
    { name: 'string absent', getter: text('spec', 'nodeName'), input: obj({}), want: '' },
    { name: 'string through a non-object', getter: text('spec', 'nodeName'), input: obj({ spec: 'x' }), want: '' },
    { name: 'string through an array', getter: text('spec', 'nodeName'), input: obj({ spec: ['x'] }), want: '' },
    { name: 'string of the wrong type', getter: text('spec', 'nodeName'), input: obj({ spec: { nodeName: 5 } }), want: '' },
    { name: 'bool true', getter: flag('spec', 'unschedulable'), input: obj({ spec: { unschedulable: true } }), want: 'true' },
    { name: 'bool false', getter: flag('spec', 'unschedulable'), input: obj({ spec: { unschedulable: false } }), want: 'false' },
    { name: 'bool absent', getter: flag('spec', 'unschedulable'), input: obj({}), want: 'false' },
    { name: 'count present', getter: count('status', 'replicas'), input: obj({ status: { replicas: 3 } }), want: '3' },
    { name: 'count zero', getter: count('status', 'replicas'), input: obj({ status: { replicas: 0 } }), want: '0' },
    { name: 'count absent', getter: count('status', 'replicas'), input: obj({}), want: '0' },
    { name: 'pod IP from podIPs', getter: podIP, input: obj({ status: { podIP: '1.1.1.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] } }), want: '10.0.0.1' },
    { name: 'pod IP from podIP alone', getter: podIP, input: obj({ status: { podIP: '10.0.0.2' } }), want: '10.0.0.2' },
    { name: 'pod IP absent', getter: podIP, input: obj({ status: {} }), want: '' },
    { name: 'event source from source.component', getter: eventSource, input: obj({ source: { component: 'kubelet' }, reportingComponent: 'x' }), want: 'kubelet' },
    { name: 'event source falls back to reportingComponent', getter: eventSource, input: obj({ reportingComponent: 'scheduler' }), want: 'scheduler' },
  ])('$name', ({ getter, input, want }) => {
    expect(getter(input)).toBe(want);
  });

  it('object metadata fields depend on scope', () => {
    expect(objectMetaFields(true).map(([k]) => k)).toEqual(['metadata.name', 'metadata.namespace']);
    expect(objectMetaFields(false).map(([k]) => k)).toEqual(['metadata.name']);
  });
});
