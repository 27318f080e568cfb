import { describe, expect, it } from 'vitest';
import { parseGo, parseProto } from './extract-schema';

describe('parseProto', () => {
  it('reads messages, fields and maps, ignoring comments, options and reserved numbers', () => {
    const proto = [
      '/* licence */',
      'syntax = "proto2";',
      'package k8s.io.api.example.v1;',
      '// A widget.',
      'message Widget {',
      '  // The metadata; see https://example.com/a/*/b.',
      '  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;',
      '  option deprecated = true;',
      '  reserved 4;',
      '  repeated string names = 2;',
      '  map<string, .k8s.io.apimachinery.pkg.api.resource.Quantity> limits = 3;',
      '}',
      'message Empty {',
      '}',
    ].join('\n');
    expect(Object.fromEntries(parseProto(proto))).toEqual({
      Widget: [
        { label: 'optional', type: '.k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta', name: 'metadata', id: 1 },
        { label: 'repeated', type: 'string', name: 'names', id: 2 },
        { label: 'map', keyType: 'string', type: '.k8s.io.apimachinery.pkg.api.resource.Quantity', name: 'limits', id: 3 },
      ],
      Empty: [],
    });
  });
});

describe('parseGo', () => {
  const source = [
    'type Marker struct{}',
    '',
    'type Widget struct {',
    '\tmetav1.TypeMeta `json:",inline"`',
    '\t// +optional',
    '\tmetav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`',
    '\tReplicas *int32 `json:"replicas,omitempty" protobuf:"varint,2,opt,name=replicas"`',
    '\tName string `json:"name" protobuf:"bytes,3,opt,name=name"`',
    '\tSource `json:"" protobuf:"bytes,4,opt,name=source"`',
    '\tCommon `json:",inline" protobuf:"bytes,5,req"`',
    '\tUID string `json:"uid" protobuf:"bytes,6,opt,name=uID"`',
    '\tSecret string `json:"-"`',
    '}',
    '',
    'type ExtraValue []string',
  ].join('\n');
  const { structs, slices } = parseGo([source]);

  it.each([
    { name: 'an embedded struct with a JSON name is a plain field', proto: 'metadata', want: { json: 'metadata', omitempty: true, inline: false, pointer: false } },
    { name: 'a pointer with omitempty', proto: 'replicas', want: { json: 'replicas', omitempty: true, inline: false, pointer: true } },
    { name: 'a value without omitempty', proto: 'name', want: { json: 'name', omitempty: false, inline: false, pointer: false } },
    { name: 'an embedded struct with an empty JSON name is inline', proto: 'source', want: { json: '', omitempty: false, inline: true, pointer: false } },
    { name: 'an embedded struct whose tag has no name= is named after its type', proto: 'common', want: { json: '', omitempty: false, inline: true, pointer: false } },
    { name: 'a JSON name that differs from the proto name', proto: 'uID', want: { json: 'uid', omitempty: false, inline: false, pointer: false } },
  ])('$name', ({ proto, want }) => {
    expect(structs.get('Widget')?.get(proto)).toEqual(want);
  });

  it('skips fields without a protobuf tag and survives one-line empty structs', () => {
    expect([...structs.get('Widget')!.keys()]).toEqual(['metadata', 'replicas', 'name', 'source', 'common', 'uID']);
    expect(structs.has('Marker')).toBe(false);
  });

  it('finds named slice types', () => {
    expect(slices).toEqual(new Set(['ExtraValue']));
  });
});
