import type { IncomingMessage } from 'node:http';
import { parseAllDocuments } from 'yaml';
import { ApiError } from '../errors';
import { parseMediaType } from './negotiation';

/** Largest request body accepted, as Kubernetes' apiserver (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Reads the whole body; over the limit answers 413 without reading further. */
export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw ApiError.requestEntityTooLarge('limit is 3145728');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw ApiError.requestEntityTooLarge('limit is 3145728');
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The request's media type; a request without one is read as JSON, as Kubernetes does. */
export function contentType(req: IncomingMessage): string {
  const header = req.headers['content-type'];
  if (!header) return 'application/json';
  return parseMediaType(header).type;
}

export const objectBodyTypes = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/**
 * Decodes a JSON or YAML object body. Duplicate keys are reported so strict field validation
 * can refuse them. Anything that is not a single JSON object is a 400.
 */
export function decodeObjectBody(body: Buffer, type: string): { object: Record<string, unknown>; duplicates: string[] } {
  const text = body.toString('utf8');
  if (type === 'application/yaml') {
    const docs = parseAllDocuments(text, { uniqueKeys: false });
    const list = Array.isArray(docs) ? docs : [docs];
    if (list.length !== 1) throw ApiError.badRequest('the body must hold exactly one YAML document');
    const doc = list[0];
    if (doc.errors.length) throw ApiError.badRequest(`error converting YAML to JSON: ${doc.errors[0].message}`);
    const value = doc.toJS() as unknown;
    if (!isObject(value)) throw ApiError.badRequest('error decoding YAML: the body is not an object');
    return { object: value, duplicates: [] };
  }
  if (!text.trim()) throw ApiError.badRequest("Object 'Kind' is missing in ''");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw ApiError.badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
  if (!isObject(value)) throw ApiError.badRequest(`couldn't get version/kind; json parse error: json: cannot unmarshal ${typeName(value)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  return { object: value, duplicates: findDuplicateKeys(text) };
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  return typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v;
}

/**
 * Paths of keys that occur twice in one JSON object (`metadata.name`), which JSON.parse silently
 * collapses. A small scanner over the text: strings, objects and arrays only need tracking.
 */
export function findDuplicateKeys(text: string): string[] {
  const found: string[] = [];
  type Frame = { kind: 'object'; keys: Set<string>; path: string; pendingKey?: string } | { kind: 'array'; path: string; index: number };
  const stack: Frame[] = [];
  let i = 0;
  const readString = (): string => {
    let out = '';
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        out += text.slice(i, i + 2);
        i += 2;
      } else out += text[i++];
    }
    i++;
    try {
      return JSON.parse(`"${out}"`) as string;
    } catch {
      return out;
    }
  };
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.kind === 'object') return top.path ? `${top.path}.${top.pendingKey ?? ''}` : (top.pendingKey ?? '');
    return `${top.path}[${top.index}]`;
  };
  let expectKey = false;
  while (i < text.length) {
    const c = text[i];
    if (c === '{') {
      stack.push({ kind: 'object', keys: new Set(), path: childPath() });
      expectKey = true;
      i++;
    } else if (c === '[') {
      stack.push({ kind: 'array', path: childPath(), index: 0 });
      expectKey = false;
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'array') top.index++;
      expectKey = top?.kind === 'object';
      i++;
    } else if (c === '"') {
      const s = readString();
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        if (top.keys.has(s)) found.push(top.path ? `${top.path}.${s}` : s);
        top.keys.add(s);
        top.pendingKey = s;
        expectKey = false;
      }
    } else {
      i++;
    }
  }
  return found;
}
