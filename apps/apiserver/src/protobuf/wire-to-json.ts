import protobuf from 'protobufjs';
import { ProtobufBodyError, ProtobufBodyErrorCode } from './errors';

/** A JSON value as Go's encoding/json writes it. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The tskube/gojson.proto options as protobufjs keeps them on fields and messages. */
const option = {
  pointer: '(tskube.gojson.pointer)',
  keepEmpty: '(tskube.gojson.keep_empty)',
  inline: '(tskube.gojson.inline)',
  marshal: '(tskube.gojson.marshal)',
  jsonName: 'json_name',
} as const;

/** Wire type each scalar is written with when not packed. */
const scalarWireType: Readonly<Record<string, number>> = {
  double: 1, float: 5, int32: 0, uint32: 0, sint32: 0, fixed32: 5, sfixed32: 5,
  int64: 0, uint64: 0, sint64: 0, fixed64: 1, sfixed64: 1, bool: 0, string: 2, bytes: 2,
};

const lengthDelimited = 2;

/** Go's zero time (year 1), which metav1.Time writes as null. */
const goZeroTimeSeconds = -62135596800;

const empty = new Uint8Array(0);

/**
 * Decodes one protobuf message of `type` into the JSON Go's encoding/json would write for the
 * same Go value, so the result equals the body the client would have sent as JSON: omitempty
 * fields left out when zero, pointers kept when set, embedded structs flattened, and the
 * self-marshalling types (Quantity, IntOrString, Time, ...) in their JSON forms. Fields the
 * schema does not know are skipped, as Kubernetes' generated unmarshallers do.
 * Throws ProtobufBodyError (Malformed) on bytes that are not a valid encoding.
 */
export function messageToJson(type: protobuf.Type, bytes: Uint8Array): Json {
  try {
    return convertMessage(type, bytes);
  } catch (err) {
    if (err instanceof ProtobufBodyError) throw err;
    // protobufjs' Reader signals truncation with a RangeError.
    if (err instanceof RangeError) throw malformed(`${type.fullName.slice(1)}: ${err.message}`, err);
    throw err;
  }
}

/**
 * The last value of each field of one message, by field name, without conversion: strings as
 * strings, numbers as read, messages and bytes as raw bytes. For envelopes, whose fields are read
 * one by one. Throws ProtobufBodyError (Malformed) on bytes that are not a valid encoding.
 */
export function readLastValues(type: protobuf.Type, bytes: Uint8Array): Record<string, unknown> {
  try {
    const seen = readFields(type, bytes);
    return Object.fromEntries(type.fieldsArray.filter((f) => seen.has(f.id)).map((f) => [f.name, last(seen, f.id)]));
  } catch (err) {
    if (err instanceof RangeError) throw malformed(`${type.fullName.slice(1)}: ${err.message}`, err);
    throw err;
  }
}

/** Field values in wire order, by field number; messages, maps and bytes as raw bytes. */
type Occurrences = Map<number, unknown[]>;

function convertMessage(type: protobuf.Type, bytes: Uint8Array): Json {
  const seen = readFields(type, bytes);
  const marshal = type.options?.[option.marshal] as string | undefined;
  switch (marshal) {
    case undefined:
      return convertStruct(type, seen);
    case 'quantity':
      // A zero Quantity writes itself as "0".
      return (last(seen, fieldId(type, 'string')) as string | undefined) || '0';
    case 'int-or-string': {
      const isString = toNumber(last(seen, fieldId(type, 'type')), 'int64') === 1;
      if (isString) return (last(seen, fieldId(type, 'strVal')) as string | undefined) ?? '';
      return (last(seen, fieldId(type, 'intVal')) as number | undefined) ?? 0;
    }
    case 'time': {
      // metav1.Time writes nothing for the zero time, and its JSON carries whole seconds only.
      if (bytes.length === 0) return null;
      const seconds = toNumber(last(seen, fieldId(type, 'seconds')), 'int64') ?? 0;
      if (seconds === goZeroTimeSeconds) return null;
      return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    case 'raw-json': {
      const raw = last(seen, 1) as Uint8Array | undefined;
      if (!raw || raw.length === 0) return null;
      try {
        return JSON.parse(utf8(raw)) as Json;
      } catch (err) {
        throw malformed(`${type.fullName.slice(1)} does not hold JSON`, err);
      }
    }
    case 'items':
      return (seen.get(1) ?? []) as string[];
    default:
      throw new Error(`${type.fullName}: unknown (tskube.gojson.marshal) "${marshal}"`);
  }
}

function convertStruct(type: protobuf.Type, seen: Occurrences): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const field of type.fieldsArray) {
    const values = seen.get(field.id);
    const options = field.options ?? {};
    if (options[option.inline]) {
      // An embedded struct is never a pointer in Kubernetes' types, so it contributes its zero
      // fields even when absent.
      const inner = convertMessage(messageTypeOf(field), concat(values));
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
        throw new Error(`${field.fullName}: an inline field must hold a struct`);
      }
      Object.assign(out, inner);
      continue;
    }
    const value = convertField(field, values, options[option.pointer] === true, options[option.keepEmpty] === true);
    if (value !== undefined) out[(options[option.jsonName] as string | undefined) ?? field.name] = value;
  }
  return out;
}

/** The JSON for one field, or undefined when Go's encoding/json would leave it out. */
function convertField(field: protobuf.Field, values: unknown[] | undefined, pointer: boolean, keepEmpty: boolean): Json | undefined {
  // Go writes nothing for a nil or empty slice or map; without omitempty JSON says null.
  if (field.map || field.repeated) {
    if (!values?.length) return keepEmpty ? null : undefined;
    if (field instanceof protobuf.MapField) return convertMap(field, values as Uint8Array[]);
    return values.map((v) => convertValue(field, v));
  }
  if (field.resolvedType instanceof protobuf.Type) {
    // Repeated occurrences of a message field merge, which for the wire is concatenation.
    if (values) return convertMessage(field.resolvedType, concat(values));
    // A Go struct that is not a pointer is always written, even when empty.
    if (!pointer) return convertMessage(field.resolvedType, empty);
    return keepEmpty ? null : undefined;
  }
  if (field.type === 'bytes') {
    // A []byte is a slice: nil (absent) is left out or null, empty but present is "".
    const bytes = values?.at(-1) as Uint8Array | undefined;
    if (!bytes) return keepEmpty ? null : undefined;
    return bytes.length > 0 || keepEmpty || pointer ? base64(bytes) : undefined;
  }
  if (!values) {
    if (pointer) return keepEmpty ? null : undefined;
    return keepEmpty ? zeroOf(field.type) : undefined;
  }
  const value = convertValue(field, values.at(-1));
  return pointer || keepEmpty || !isZero(value) ? value : undefined;
}

function convertMap(field: protobuf.MapField, entries: Uint8Array[]): { [key: string]: Json } {
  const map = new Map<string, Json>();
  for (const entry of entries) {
    const reader = protobuf.Reader.create(entry);
    let key: unknown;
    let value: unknown;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const id = tag >>> 3;
      const wire = tag & 7;
      if (id === 1) key = readValue(reader, field.keyType, wire, `${field.fullName} key`);
      else if (id === 2) value = readValue(reader, valueWireName(field), wire, `${field.fullName} value`);
      else reader.skipType(wire);
    }
    const k = key === undefined ? String(zeroOf(field.keyType)) : String(convertScalar(field.keyType, key));
    if (field.resolvedType instanceof protobuf.Type) map.set(k, convertMessage(field.resolvedType, (value as Uint8Array | undefined) ?? empty));
    else map.set(k, value === undefined ? zeroOf(field.type) : convertScalar(field.type, value));
  }
  // encoding/json writes map keys sorted.
  return Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function convertValue(field: protobuf.Field, value: unknown): Json {
  if (field.resolvedType instanceof protobuf.Type) return convertMessage(field.resolvedType, value as Uint8Array);
  return convertScalar(field.type, value);
}

function convertScalar(type: string, value: unknown): Json {
  if (type === 'bytes') return base64(value as Uint8Array);
  if (type === 'string' || type === 'bool' || typeof value === 'number') return value as Json;
  return toNumber(value, type) ?? 0;
}

/** Reads every field of one message, skipping field numbers the schema does not know. */
function readFields(type: protobuf.Type, bytes: Uint8Array): Occurrences {
  const seen: Occurrences = new Map();
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) throw malformed(`${type.fullName.slice(1)}: field number 0`);
    const field = type.fieldsById[id];
    if (!field) {
      reader.skipType(wire);
      continue;
    }
    let values = seen.get(id);
    if (!values) seen.set(id, (values = []));
    const kind = field.map || field.resolvedType instanceof protobuf.Type ? 'bytes' : field.type;
    if (field.repeated && wire === lengthDelimited && scalarWireType[kind] !== lengthDelimited) {
      // A packed run of numbers.
      const end = reader.uint32() + reader.pos;
      while (reader.pos < end) values.push(readValue(reader, kind, scalarWireType[kind], field.fullName));
      if (reader.pos !== end) throw malformed(`${field.fullName}: packed run overruns its length`);
    } else {
      values.push(readValue(reader, kind, wire, field.fullName));
    }
  }
  return seen;
}

function readValue(reader: protobuf.Reader, kind: string, wire: number, what: string): unknown {
  const expected = scalarWireType[kind];
  if (expected === undefined) throw new Error(`${what}: unsupported proto type ${kind}`);
  if (wire !== expected) throw malformed(`${what}: wire type ${wire}, expected ${expected}`);
  switch (kind) {
    case 'double': return reader.double();
    case 'float': return reader.float();
    case 'int32': return reader.int32();
    case 'uint32': return reader.uint32();
    case 'sint32': return reader.sint32();
    case 'fixed32': return reader.fixed32();
    case 'sfixed32': return reader.sfixed32();
    case 'int64': return reader.int64();
    case 'uint64': return reader.uint64();
    case 'sint64': return reader.sint64();
    case 'fixed64': return reader.fixed64();
    case 'sfixed64': return reader.sfixed64();
    case 'bool': return reader.bool();
    // Reader.string() clamps a length that runs past the end instead of failing; bytes() checks.
    case 'string': return utf8(reader.bytes());
    default: return reader.bytes();
  }
}

function valueWireName(field: protobuf.MapField): string {
  return field.resolvedType instanceof protobuf.Type ? 'bytes' : field.type;
}

/** 64-bit integers arrive as Long (or number without the long package); JSON wants a number. */
function toNumber(value: unknown, type: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') return value;
  const unsigned = type === 'uint64' || type === 'fixed64';
  return protobuf.util.LongBits.from(value as protobuf.Long).toNumber(unsigned);
}

function zeroOf(type: string): Json {
  if (type === 'string') return '';
  if (type === 'bool') return false;
  if (type === 'bytes') return null;
  return 0;
}

function isZero(value: Json): boolean {
  return value === '' || value === 0 || value === false;
}

function fieldId(type: protobuf.Type, name: string): number {
  const field = type.fields[name];
  if (!field) throw new Error(`${type.fullName} has no field ${name}`);
  return field.id;
}

function last(seen: Occurrences, id: number): unknown {
  return seen.get(id)?.at(-1);
}

function messageTypeOf(field: protobuf.Field): protobuf.Type {
  if (!(field.resolvedType instanceof protobuf.Type)) throw new Error(`${field.fullName} is not a message`);
  return field.resolvedType;
}

function concat(chunks: unknown[] | undefined): Uint8Array {
  if (!chunks?.length) return empty;
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  return Buffer.concat(chunks as Uint8Array[]);
}

function utf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8');
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

function malformed(message: string, cause?: unknown): ProtobufBodyError {
  return new ProtobufBodyError(ProtobufBodyErrorCode.Malformed, message, { cause });
}
