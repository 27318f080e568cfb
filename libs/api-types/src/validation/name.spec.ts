import { describe, expect, it } from 'vitest';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  regexError,
} from './name';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

describe('regexError', () => {
  it('keeps the double space Kubernetes puts before "or"', () => {
    expect(regexError('m', 'f', 'a', 'b')).toBe("m (e.g. 'a',  or 'b', regex used for validation is 'f')");
    expect(regexError('m', 'f')).toBe("m (regex used for validation is 'f')");
  });
});

describe('isDNS1123Subdomain', () => {
  // Valid and invalid names from the Kubernetes "Object Names and IDs" page and apimachinery's tests.
  it.each(['example.com', 'a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '0.a', 'a.b.c', 'my-app.example', 'a'.repeat(253)])(
    'accepts %s',
    (name) => {
      expect(isDNS1123Subdomain(name)).toEqual([]);
    },
  );

  it.each(['', 'A', 'ABC', 'aBc', 'A1', 'a_1', 'a..1', '-a', 'a-', 'a.', '.a', 'a@b', 'a,b', 'Foo', 'my_app', '1 2'])(
    'rejects %j with the regex message',
    (name) => {
      expect(isDNS1123Subdomain(name)).toEqual([SUBDOMAIN_MSG]);
    },
  );

  it('reports length and pattern separately', () => {
    expect(isDNS1123Subdomain('a'.repeat(254))).toEqual(['must be no more than 253 characters']);
    expect(isDNS1123Subdomain('A'.repeat(254))).toEqual(['must be no more than 253 characters', SUBDOMAIN_MSG]);
  });
});

describe('isDNS1123Label', () => {
  it.each(['a', 'ab', 'abc', 'a1', 'a-1', 'a--1--2--b', '0', '01', '1-2', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(isDNS1123Label(name)).toEqual([]);
  });

  it.each(['', 'A', 'ABC', 'aBc', 'a_1', '-a', 'a-', 'a@b', 'a b'])('rejects %j', (name) => {
    expect(isDNS1123Label(name)).toEqual([LABEL_MSG]);
  });

  it('explains that a valid subdomain has dots', () => {
    expect(isDNS1123Label('a.b')).toEqual(['must not contain dots']);
  });

  it('rejects 64 characters', () => {
    expect(isDNS1123Label('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('isDNS1035Label', () => {
  it.each(['a', 'ab', 'a-1', 'abc-123', 'a'.repeat(63)])('accepts %s', (name) => {
    expect(isDNS1035Label(name)).toEqual([]);
  });

  it.each(['0', '01', '1-abc', 'A', 'a_b', 'a-', 'a.b', ''])('rejects %j', (name) => {
    expect(isDNS1035Label(name)).toEqual([DNS1035_MSG]);
  });
});

describe('isQualifiedName', () => {
  it.each([
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    '1234',
    'simple/simple',
    'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes',
    'now.with.dots/simple',
    'now-with.dashes-and.dots/simple',
    '1-num.2-num/3-num',
    '1234/5678',
    '1.2.3.4/5678',
    'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo',
    'app.kubernetes.io/name',
    'a'.repeat(63),
    'a'.repeat(253) + '/' + 'b'.repeat(63),
  ])('accepts %s', (key) => {
    expect(isQualifiedName(key)).toEqual([]);
  });

  it.each([
    ['nospecialchars%^=@', [NAME_PART_MSG]],
    ['cantendwithadash-', [NAME_PART_MSG]],
    ['-cantstartwithadash-', [NAME_PART_MSG]],
    ['only/one/slash', [
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]],
    ['Example.com/abc', ['prefix part ' + SUBDOMAIN_MSG]],
    ['example_com/abc', ['prefix part ' + SUBDOMAIN_MSG]],
    ['example.com/', ['name part must be non-empty', NAME_PART_MSG]],
    ['/simple', ['prefix part must be non-empty']],
    ['', ['name part must be non-empty', NAME_PART_MSG]],
    ['a'.repeat(64), ['name part must be no more than 63 characters']],
    ['a'.repeat(254) + '/abc', ['prefix part must be no more than 253 characters']],
  ])('rejects %j', (key, want) => {
    expect(isQualifiedName(key)).toEqual(want);
  });
});

describe('isValidLabelValue', () => {
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', '', 'a'.repeat(63), 'Upper_and.dots'])(
    'accepts %j',
    (v) => {
      expect(isValidLabelValue(v)).toEqual([]);
    },
  );

  it.each(['nospecialchars%^=@', 'Tama-nui-te-rā.is.Māori.sun', '\\backslashes\\are\\bad', '-starts-with-dash', 'ends-with-dash-', '.starts.with.dot', 'ends.with.dot.'])(
    'rejects %j',
    (v) => {
      expect(isValidLabelValue(v)).toEqual([LABEL_VALUE_MSG]);
    },
  );

  it('rejects 64 characters', () => {
    expect(isValidLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 characters']);
  });
});

describe('other syntaxes', () => {
  it.each([
    ['port 0', isValidPortNum(0), ['must be between 1 and 65535, inclusive']],
    ['port 65536', isValidPortNum(65536), ['must be between 1 and 65535, inclusive']],
    ['port 80', isValidPortNum(80), []],
    ['port name http', isValidPortName('http'), []],
    ['port name 80', isValidPortName('80'), ['must contain at least one letter (a-z)']],
    ['port name -http', isValidPortName('-http'), ['must not begin or end with a hyphen']],
    ['port name a--b', isValidPortName('a--b'), ['must not contain consecutive hyphens']],
    [
      'port name HTTP_1',
      isValidPortName('HTTP_1'),
      ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'must contain at least one letter (a-z)'],
    ],
    ['port name 16 chars', isValidPortName('abcdefghijklmnop'), ['must be no more than 15 characters']],
    ['config key ok', isConfigMapKey('game.properties'), []],
    [
      'config key with slash',
      isConfigMapKey('a/b'),
      [
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      ],
    ],
    ['config key ..', isConfigMapKey('..'), ["must not be '..'"]],
    ['config key ..a', isConfigMapKey('..a'), ["must not start with '..'"]],
    ['env var ok', isEnvVarName('MY_ENV.NAME'), []],
    [
      'env var with digit first',
      isEnvVarName('1ABC'),
      [
        "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
      ],
    ],
    ['percent 25%', isValidPercent('25%'), []],
    [
      'percent 25',
      isValidPercent('25'),
      ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
    ],
  ])('%s', (_name, got, want) => {
    expect(got).toEqual(want);
  });
});

describe('name validators for generateName', () => {
  it('allow a trailing dash in prefixes only', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false)).toEqual([SUBDOMAIN_MSG]);
    expect(nameIsDNSLabel('pod-', true)).toEqual([]);
    expect(nameIsDNSLabel('Pod-', true)).toEqual([LABEL_MSG]);
  });
});
