import { describe, expect, it } from 'vitest';
import { isDNS1123Subdomain, isLabelKey, isLabelValue } from './label-validation';

const KEY_NAME_REGEX_ERROR =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_REGEX_ERROR =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const VALUE_REGEX_ERROR =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('isLabelKey', () => {
  it.each([
    'environment',
    'a',
    'A',
    '1',
    'my.name',
    'MyName',
    '123-abc',
    'a_b-c.d',
    'kubernetes.io/hostname',
    'app.kubernetes.io/name',
    'this-is-a-dns.domain.com/key-with-dash',
    '0.1.2.domain/99',
    'a'.repeat(63),
    `${'a'.repeat(253)}/${'b'.repeat(63)}`,
  ])('accepts %s', (key) => {
    expect(isLabelKey(key)).toEqual([]);
  });

  it.each([
    { key: '', want: ['name part must be non-empty', `name part ${KEY_NAME_REGEX_ERROR}`] },
    { key: '-a', want: [`name part ${KEY_NAME_REGEX_ERROR}`] },
    { key: 'a-', want: [`name part ${KEY_NAME_REGEX_ERROR}`] },
    { key: 'a b', want: [`name part ${KEY_NAME_REGEX_ERROR}`] },
    { key: 'a'.repeat(64), want: ['name part must be no more than 63 characters'] },
    { key: '/a', want: ['prefix part must be non-empty'] },
    { key: 'a/', want: ['name part must be non-empty', `name part ${KEY_NAME_REGEX_ERROR}`] },
    { key: 'Example.com/a', want: [`prefix part ${SUBDOMAIN_REGEX_ERROR}`] },
    {
      key: `${'a'.repeat(254)}/b`,
      want: ['prefix part must be no more than 253 characters'],
    },
    {
      key: 'a/b/c',
      want: [
        `a qualified name ${KEY_NAME_REGEX_ERROR} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ],
    },
  ])('rejects $key', ({ key, want }) => {
    expect(isLabelKey(key)).toEqual(want);
  });
});

describe('isLabelValue', () => {
  it.each(['', 'production', 'a', 'my_value', '12345', 'MyValue', '10.10.100.1', 'v'.repeat(63)])('accepts %j', (value) => {
    expect(isLabelValue(value)).toEqual([]);
  });

  it.each([
    { value: 'a b', want: [VALUE_REGEX_ERROR] },
    { value: '-a', want: [VALUE_REGEX_ERROR] },
    { value: 'a||y', want: [VALUE_REGEX_ERROR] },
    { value: 'v'.repeat(64), want: ['must be no more than 63 characters'] },
    { value: `-${'v'.repeat(64)}`, want: ['must be no more than 63 characters', VALUE_REGEX_ERROR] },
    { value: 'é', want: [VALUE_REGEX_ERROR] },
  ])('rejects $value', ({ value, want }) => {
    expect(isLabelValue(value)).toEqual(want);
  });
});

describe('isDNS1123Subdomain', () => {
  it.each(['example.com', 'a', '0.1.2', 'a-b.c'])('accepts %s', (value) => {
    expect(isDNS1123Subdomain(value)).toEqual([]);
  });

  it.each(['', 'A', 'a..b', '-a', 'a.', 'a_b'])('rejects %j', (value) => {
    expect(isDNS1123Subdomain(value)).toEqual([SUBDOMAIN_REGEX_ERROR]);
  });
});
