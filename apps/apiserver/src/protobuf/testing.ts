import protobuf from 'protobufjs';
import { protobufMagic } from './decode';
import { messageNameFor, messageType } from './schema';

/**
 * Encodes `fields` (the protobuf shape: proto field names, IntOrString as {type, intVal, strVal},
 * Quantity as {string}, Time as {seconds}, bytes as Uint8Array or base64) as a complete
 * `application/vnd.kubernetes.protobuf` body, as a client would send it. For tests: unlike Go,
 * protobufjs writes only the fields given, so a test that needs Go's habit of writing every
 * non-pointer field spells those fields out.
 */
export function encodeProtobufBody(apiVersion: string, kind: string, fields: Record<string, unknown>): Uint8Array {
  const name = messageNameFor(apiVersion, kind);
  if (!name) throw new Error(`no protobuf message for ${apiVersion} ${kind}`);
  const raw = encodeMessage(name, fields);
  return wrapEnvelope({ typeMeta: { apiVersion, kind }, raw });
}

/** The protobuf encoding of one message, by full name; throws on fields the schema lacks. */
export function encodeMessage(fullName: string, fields: Record<string, unknown>): Uint8Array {
  const type = messageType(fullName);
  checkNames(type, fields, fullName);
  const problem = type.verify(fields);
  if (problem) throw new Error(`${fullName}: ${problem}`);
  return type.encode(type.fromObject(fields)).finish();
}

// protobufjs ignores keys it does not know, which would let a misspelt test field vanish.
function checkNames(type: protobuf.Type, fields: Record<string, unknown>, path: string): void {
  for (const [key, value] of Object.entries(fields)) {
    const field = type.fields[key];
    if (!field) throw new Error(`${path}: ${type.name} has no field ${key}`);
    if (!(field.resolvedType instanceof protobuf.Type) || value === null || value === undefined) continue;
    const nested = field.map ? Object.values(value as object) : field.repeated ? (value as unknown[]) : [value];
    for (const v of nested) checkNames(field.resolvedType, v as Record<string, unknown>, `${path}.${key}`);
  }
}

/** The magic followed by a runtime.Unknown holding `envelope`. */
export function wrapEnvelope(envelope: {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}): Uint8Array {
  const unknown = encodeMessage('k8s.io.apimachinery.pkg.runtime.Unknown', envelope);
  const body = new Uint8Array(protobufMagic.length + unknown.length);
  body.set(protobufMagic);
  body.set(unknown, protobufMagic.length);
  return body;
}
