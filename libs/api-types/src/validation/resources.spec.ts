import { describe, expect, it } from 'vitest';
import { fieldPath } from './field';
import { validateResourceRequirements } from './resources';

describe('validateResourceRequirements', () => {
  it.each([
    ['requests equal to limits', { requests: { cpu: '500m' }, limits: { cpu: '0.5' } }, []],
    ['requests below limits', { requests: { memory: '1Gi' }, limits: { memory: '2Gi' } }, []],
    ['a request above the limit', { requests: { cpu: '2' }, limits: { cpu: '1' } }, ['r.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']],
    ['an integer resource with a fraction', { limits: { 'example.com/fpga': '1.5' }, requests: { 'example.com/fpga': '1.5' } }, [
      'r.limits[example.com/fpga]: Invalid value: "1500m": must be an integer',
      'r.requests[example.com/fpga]: Invalid value: "1500m": must be an integer',
    ]],
    ['huge pages without cpu or memory', { limits: { 'hugepages-2Mi': '2Mi' } }, ['r: Forbidden: HugePages require cpu or memory']],
    ['a bad resource name', { limits: { 'example.com/a/b': '1' } }, [
      "r.limits[example.com/a/b]: Invalid value: \"example.com/a/b\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      "r.limits[example.com/a/b]: Invalid value: \"example.com/a/b\": doesn't follow extended resource name standard",
    ]],
  ])('%s', (_name, req, want) => {
    expect(validateResourceRequirements(req, fieldPath('r')).map(String)).toEqual(want);
  });

  it('requires requests to equal limits for huge pages', () => {
    expect(
      validateResourceRequirements(
        { requests: { 'hugepages-2Mi': '2Mi', memory: '1Gi' }, limits: { 'hugepages-2Mi': '4Mi', memory: '1Gi' } },
        fieldPath('resources'),
      ).map(String),
    ).toEqual(['resources.requests: Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi']);
  });

  it('requires whole numbers of extended resources', () => {
    expect(
      validateResourceRequirements({ requests: { 'example.com/gpu': '500m' }, limits: { 'example.com/gpu': '500m' } }, fieldPath('r')).map(String),
    ).toEqual([
      'r.limits[example.com/gpu]: Invalid value: "500m": must be an integer',
      'r.requests[example.com/gpu]: Invalid value: "500m": must be an integer',
    ]);
  });
});

