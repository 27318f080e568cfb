import { request as httpRequest, type IncomingMessage, type ClientRequest, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { corev1 } from '@tskube/api-types';
import { connErrorText, dialErrorText, isDialError, joinHostPort } from './format';
import { resolveContainerPort } from './port';
import { ProbeError, ProbeResult, type ProbeOutcome } from './result';

/** The Kubernetes API level this kubelet speaks, as its probes' User-Agent carries it. */
export const KUBE_VERSION = { major: '1', minor: '33' } as const;
/** What an HTTP or gRPC probe calls itself unless the pod sets its own User-Agent. */
export const PROBE_USER_AGENT = `kube-probe/${KUBE_VERSION.major}.${KUBE_VERSION.minor}`;
/** How much of a response body an HTTP probe reads; the rest is dropped, as the kubelet does. */
export const MAX_HTTP_BODY_BYTES = 10 * 1024;
/** Requests an HTTP probe makes at most while following redirects (Go's http.Client limit). */
export const MAX_HTTP_PROBE_REQUESTS = 10;

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);

/**
 * One HTTP probe, resolved from the pod: where to connect, what to ask for, with which headers.
 * `url` is spelled as Go prints it (no trailing slash added to an empty path), for messages.
 */
export interface HttpProbeRequest {
  url: string;
  scheme: string;
  /** The host to connect to; empty means the node itself, as a Go dial of `:port` does. */
  host: string;
  port: number;
  /** Escaped path and query as sent on the request line. */
  requestPath: string;
  /** The Host header; the URL's authority unless the probe sets one. */
  hostHeader: string;
  /** Canonicalised header names, each with its values in order. */
  headers: Map<string, string[]>;
}

/** Go's textproto.CanonicalMIMEHeaderKey: `x-forwarded-for` → `X-Forwarded-For`; names with odd bytes stay as they are. */
export function canonicalHeaderKey(name: string): string {
  if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return name;
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/%]/;
const QUERY_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]/;

function escapeWith(s: string, safe: RegExp): string {
  // A `%` that does not start a valid escape is a literal percent sign, as Go's URL parser decides.
  const lonePercent = /%(?![0-9A-Fa-f]{2})/.test(s);
  let out = '';
  for (const ch of s) {
    if (ch === '%' && lonePercent) out += '%25';
    else if (safe.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * The request an httpGet probe makes (Kubernetes' NewRequestForHTTPGetAction): scheme lowercased
 * (HTTP by default), host defaulting to the pod IP, port by number or by the container's port
 * name, the path as written, the probe's headers, and `User-Agent: kube-probe/<major.minor>` and
 * `Accept: *\/*` unless the probe sets them (an empty Accept removes the header). Throws a
 * ProbeError when the port cannot be resolved.
 */
export function httpProbeRequest(action: corev1.HTTPGetAction, container: corev1.Container, podIP: string | undefined): HttpProbeRequest {
  const scheme = (action.scheme ?? '').toLowerCase() || 'http';
  const host = action.host || podIP || '';
  const port = resolveContainerPort(action.port, container);
  const raw = action.path ?? '';
  const hash = raw.indexOf('#');
  const noFragment = hash >= 0 ? raw.slice(0, hash) : raw;
  const q = noFragment.indexOf('?');
  let path = escapeWith(q >= 0 ? noFragment.slice(0, q) : noFragment, PATH_SAFE);
  const query = q >= 0 ? escapeWith(noFragment.slice(q + 1), QUERY_SAFE) : undefined;
  if (path !== '' && !path.startsWith('/')) path = '/' + path;
  const authority = joinHostPort(host, port);
  const search = query !== undefined && query !== '' ? `?${query}` : '';
  const url = `${scheme}://${authority}${path}${search}`;

  const headers = new Map<string, string[]>();
  for (const h of action.httpHeaders ?? []) {
    const key = canonicalHeaderKey(h.name);
    headers.set(key, [...(headers.get(key) ?? []), h.value]);
  }
  if (!headers.has('User-Agent')) headers.set('User-Agent', [PROBE_USER_AGENT]);
  if (!headers.has('Accept')) headers.set('Accept', ['*/*']);
  else if ((headers.get('Accept')![0] ?? '') === '') headers.delete('Accept');
  const hostHeader = headers.get('Host')?.[0] || authority;
  headers.delete('Host');
  return { url, scheme, host, port, requestPath: (path || '/') + search, hostHeader, headers };
}

class Timeout extends Error {}

interface Hop {
  url: string;
  scheme: string;
  host: string;
  port: number;
  requestPath: string;
  hostHeader: string;
  headers: Map<string, string[]>;
}

function send(hop: Hop, track: (req: ClientRequest) => void): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: OutgoingHttpHeaders = { Host: hop.hostHeader };
    for (const [k, v] of hop.headers) headers[k] = v.length === 1 ? v[0] : v;
    const req = (hop.scheme === 'https' ? httpsRequest : httpRequest)({
      method: 'GET',
      host: hop.host || 'localhost',
      port: hop.port,
      path: hop.requestPath,
      headers,
      setHost: false,
      // One connection per probe, as the kubelet's probe transport disables keep-alives.
      agent: false,
      // Probes do not verify serving certificates (InsecureSkipVerify in the kubelet).
      rejectUnauthorized: false,
    });
    track(req);
    req.once('response', resolve);
    req.once('error', reject);
    req.end();
  });
}

/** Reads at most `limit` bytes of the body, then drops the connection. */
function readBody(res: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      if (err) reject(err);
      else resolve(Buffer.concat(chunks).subarray(0, limit));
    };
    res.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= limit) {
        finish();
        res.destroy();
      }
    });
    res.once('end', () => finish());
    res.once('error', (err) => finish(err));
    res.once('close', () => {
      if (!res.complete) finish(new Error('unexpected EOF'));
      else finish();
    });
  });
}

/**
 * Runs an HTTP probe (Kubernetes' DoHTTPProbe): a status from 200 to 399 passes, anything else
 * fails with `HTTP probe failed with statuscode: <code>` (never the body, which may hold
 * secrets); a connection that cannot be made or an answer that does not come within
 * `timeoutMs` fails with Go's error text. Redirects are followed while they stay on the same
 * host, up to 10 requests; a redirect elsewhere ends the probe as a success with a warning
 * (`Probe terminated redirects, Response body: ...`), which the kubelet reports as a ProbeWarning
 * event. The body is read up to 10 KiB.
 */
export async function httpProbe(request: HttpProbeRequest, timeoutMs: number): Promise<ProbeOutcome> {
  let current: ClientRequest | undefined;
  let response: IncomingMessage | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    const err = new Timeout();
    current?.destroy(err);
    response?.destroy(err);
  }, timeoutMs);
  const fail = (url: string, text: string): ProbeOutcome => ({ result: ProbeResult.Failure, output: `Get ${JSON.stringify(url)}: ${text}` });
  let hop: Hop = { ...request };
  const originalHost = request.host;
  try {
    for (let sent = 1; ; sent++) {
      let res: IncomingMessage;
      try {
        if (hop.scheme !== 'http' && hop.scheme !== 'https') return fail(hop.url, `unsupported protocol scheme ${JSON.stringify(hop.scheme)}`);
        res = await send(hop, (req) => (current = req));
      } catch (err) {
        if (timedOut || err instanceof Timeout) return fail(hop.url, 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)');
        if (isDialError(err)) return fail(hop.url, dialErrorText(err, joinHostPort(hop.host, hop.port)));
        return fail(hop.url, connErrorText(err));
      }
      response = res;
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECT_CODES.has(status) && location) {
        let next: URL;
        try {
          next = new URL(location, hop.url);
        } catch {
          res.destroy();
          return fail(hop.url, `failed to parse Location header ${JSON.stringify(location)}`);
        }
        const nextHost = next.hostname.replace(/^\[|\]$/g, '');
        // Off-host redirects are not followed: the response at hand is the probe's answer.
        if (nextHost === originalHost) {
          res.destroy();
          if (sent >= MAX_HTTP_PROBE_REQUESTS) return fail(location, `stopped after ${MAX_HTTP_PROBE_REQUESTS} redirects`);
          const scheme = next.protocol.replace(/:$/, '');
          const port = next.port !== '' ? Number(next.port) : scheme === 'https' ? 443 : 80;
          const headers = new Map(hop.headers);
          // Go's client names where it came from, unless that would leak an https URL to http.
          if (!(hop.scheme === 'https' && scheme === 'http')) headers.set('Referer', [hop.url]);
          const relative = !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(location);
          hop = {
            url: next.href,
            scheme,
            host: nextHost,
            port,
            requestPath: next.pathname + next.search,
            hostHeader: relative && hop.hostHeader !== joinHostPort(hop.host, hop.port) ? hop.hostHeader : next.host,
            headers,
          };
          continue;
        }
      }
      let body: Buffer;
      try {
        body = await readBody(res, MAX_HTTP_BODY_BYTES);
      } catch (err) {
        const text = timedOut || err instanceof Timeout ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)' : connErrorText(err);
        return { result: ProbeResult.Failure, output: '', error: new ProbeError(text) };
      }
      const text = body.toString('utf8');
      if (status >= 200 && status < 400) {
        if (status >= 300) return { result: ProbeResult.Warning, output: `Probe terminated redirects, Response body: ${text}` };
        return { result: ProbeResult.Success, output: text };
      }
      return { result: ProbeResult.Failure, output: `HTTP probe failed with statuscode: ${status}` };
    }
  } catch (err) {
    // Header names or values Node refuses to send; Go's client refuses the same ones.
    return fail(hop.url, err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(timer);
    current?.destroy();
    response?.destroy();
  }
}
