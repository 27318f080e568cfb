import { ProtobufBodyError, ProtobufBodyErrorCode } from './errors';
import { messageNameFor, messageType } from './schema';
import { messageToJson, readLastValues } from './wire-to-json';

/** The media type of Kubernetes' protobuf encoding. */
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

/** Every protobuf-encoded object starts with these four bytes ("k8s" and a zero). */
export const protobufMagic: Uint8Array = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

/** The runtime.Unknown envelope that follows the magic. */
export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  /** The object's own protobuf encoding. */
  raw: Uint8Array;
  /** How `raw` is compressed; Kubernetes' clients leave it empty. */
  contentEncoding: string;
  /** The media type of `raw`; empty means protobuf. */
  contentType: string;
}

/**
 * Reads the magic and the runtime.Unknown envelope of a protobuf body without decoding the
 * object. Throws ProtobufBodyError (Malformed) when the body is not in that form.
 */
export function readEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (body.length < protobufMagic.length || protobufMagic.some((b, i) => body[i] !== b)) {
    throw new ProtobufBodyError(ProtobufBodyErrorCode.Malformed, 'protobuf body does not start with the "k8s\\x00" prefix');
  }
  const unknown = readLastValues(messageType('k8s.io.apimachinery.pkg.runtime.Unknown'), body.subarray(protobufMagic.length));
  const typeMeta = unknown.typeMeta
    ? readLastValues(messageType('k8s.io.apimachinery.pkg.runtime.TypeMeta'), unknown.typeMeta as Uint8Array)
    : {};
  return {
    apiVersion: (typeMeta.apiVersion as string | undefined) ?? '',
    kind: (typeMeta.kind as string | undefined) ?? '',
    raw: (unknown.raw as Uint8Array | undefined) ?? new Uint8Array(0),
    contentEncoding: (unknown.contentEncoding as string | undefined) ?? '',
    contentType: (unknown.contentType as string | undefined) ?? '',
  };
}

/**
 * Decodes a `application/vnd.kubernetes.protobuf` request body (an object or DeleteOptions) into
 * the plain JSON object the client would have sent as `application/json`: `kind` and
 * `apiVersion` from the envelope, then the object's fields with Kubernetes' JSON names and Go's
 * omitempty rules. Pure; safe to call concurrently.
 * Throws ProtobufBodyError: Unsupported for a kind or encoding without a schema here (Kubernetes
 * answers those with 415), Malformed for bytes that do not decode (a 400).
 */
export function decodeProtobufBody(body: Uint8Array): Record<string, unknown> {
  const envelope = readEnvelope(body);
  const { apiVersion, kind } = envelope;
  if (!kind || !apiVersion) {
    throw new ProtobufBodyError(ProtobufBodyErrorCode.Malformed, 'protobuf body does not name its apiVersion and kind');
  }
  if (envelope.contentEncoding) {
    throw new ProtobufBodyError(ProtobufBodyErrorCode.Unsupported, `protobuf content encoding "${envelope.contentEncoding}" is not supported`);
  }
  if (envelope.contentType && envelope.contentType !== protobufMediaType) {
    throw new ProtobufBodyError(ProtobufBodyErrorCode.Unsupported, `protobuf envelope content type "${envelope.contentType}" is not supported`);
  }
  const name = messageNameFor(apiVersion, kind);
  if (!name) {
    throw new ProtobufBodyError(
      ProtobufBodyErrorCode.Unsupported,
      `kind ${kind} in ${apiVersion} is not supported as ${protobufMediaType}; send it as application/json`,
    );
  }
  const object = messageToJson(messageType(name), envelope.raw) as Record<string, unknown>;
  // Go writes TypeMeta first.
  return { kind, apiVersion, ...object };
}
