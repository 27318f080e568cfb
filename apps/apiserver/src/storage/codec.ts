import type { KeyValue } from '@tskube/store';

/** An API object as the apiserver handles it: plain JSON. */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
  [field: string]: unknown;
}

/** The ObjectMeta fields the storage layer reads and writes. */
export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Stored form: the object's JSON without resourceVersion, which is the store's revision and is
 * filled in on the way out, as Kubernetes' etcd3 storage does.
 */
export function encodeObject(obj: ApiObject): Uint8Array {
  const meta = obj.metadata;
  if (meta && 'resourceVersion' in meta) {
    const { resourceVersion: _rv, ...rest } = meta;
    return encoder.encode(JSON.stringify({ ...obj, metadata: rest }));
  }
  return encoder.encode(JSON.stringify(obj));
}

export function decodeObject(kv: KeyValue): ApiObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as ApiObject;
  obj.metadata = { ...(obj.metadata ?? {}), resourceVersion: String(kv.modRevision) };
  return obj;
}

/** A deep copy of a JSON value. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => jsonEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => jsonEqual(ao[k], bo[k]));
}

/** Kubernetes timestamps: RFC 3339 in UTC with whole seconds. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const generateNameAlphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** `generateName` plus five random characters, as Kubernetes' SimpleNameGenerator makes them. */
export function generateName(base: string): string {
  // Names are at most 63 characters for most kinds; Kubernetes trims the base to fit.
  const maxBase = 63 - 5;
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += generateNameAlphabet[Math.floor(Math.random() * generateNameAlphabet.length)];
  return (base.length > maxBase ? base.slice(0, maxBase) : base) + suffix;
}
