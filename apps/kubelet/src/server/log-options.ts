import { newBadRequest } from '@tskube/api-types';
import type { ContainerLogOptions } from './log-reader';

/** `GET /containerLogs` query parameters (PodLogOptions, as the apiserver forwards them). */
export interface LogQuery extends ContainerLogOptions {
  previous: boolean;
}

/**
 * Parses the query as the kubelet does, resolving sinceSeconds against `now`; throws a 400
 * StatusError on a value that does not parse or is out of range.
 */
export function parseLogQuery(query: URLSearchParams, now: number): LogQuery {
  const bool = (name: string) => {
    const v = query.get(name);
    if (v === null || v === '') return false;
    if (['true', '1', 't', 'True', 'TRUE'].includes(v)) return true;
    if (['false', '0', 'f', 'False', 'FALSE'].includes(v)) return false;
    throw newBadRequest(`invalid value for ${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
  };
  const int = (name: string, min: number, rule: string) => {
    const v = query.get(name);
    if (v === null || v === '') return undefined;
    if (!/^-?\d+$/.test(v)) throw newBadRequest(`invalid value for ${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
    const n = Number(v);
    if (n < min) throw newBadRequest(`${name}: Invalid value: ${n}: ${rule}`);
    return n;
  };
  const tailLines = int('tailLines', 0, 'must be greater than or equal to 0');
  const limitBytes = int('limitBytes', 1, 'must be greater than 0');
  const sinceSeconds = int('sinceSeconds', 1, 'must be greater than 0');
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw newBadRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let since: number | undefined;
  if (sinceSeconds !== undefined) since = now - sinceSeconds * 1000;
  if (sinceTime) {
    since = Date.parse(sinceTime);
    if (Number.isNaN(since)) throw newBadRequest(`invalid value for sinceTime: parsing time ${JSON.stringify(sinceTime)} as RFC 3339: cannot parse`);
  }
  const stream = query.get('stream') ?? 'All';
  if (stream !== 'All' && stream !== 'Stdout' && stream !== 'Stderr') {
    throw newBadRequest(`stream: Unsupported value: ${JSON.stringify(stream)}: supported values: "All", "Stderr", "Stdout"`);
  }
  return { follow: bool('follow'), previous: bool('previous'), timestamps: bool('timestamps'), tailLines, limitBytes, since, stream };
}
