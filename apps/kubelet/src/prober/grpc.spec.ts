import { Server, ServerCredentials, loadPackageDefinition, status as GrpcStatus, type GrpcObject, type ServiceDefinition, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { fromJSON } from '@grpc/proto-loader';
import { freePort } from '@tskube/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHealthCheckResponse, encodeHealthCheckRequest, grpcProbe } from './grpc';
import { ProbeResult } from './result';

// grpc.health.v1 as health.proto declares it, loaded by proto-loader: the server below encodes
// with protobufjs, independently of the prober's own encoder.
const healthPackage = fromJSON(
  {
    nested: {
      grpc: {
        nested: {
          health: {
            nested: {
              v1: {
                nested: {
                  HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
                  HealthCheckResponse: {
                    fields: { status: { type: 'ServingStatus', id: 1 } },
                    nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
                  },
                  Health: { methods: { Check: { requestType: 'HealthCheckRequest', responseType: 'HealthCheckResponse', comment: '' } } },
                },
              },
            },
          },
        },
      },
    },
  },
  { enums: String, defaults: true },
);
const healthService = ((((loadPackageDefinition(healthPackage)['grpc'] as GrpcObject)['health'] as GrpcObject)['v1'] as GrpcObject)['Health'] as { service: ServiceDefinition }).service;

async function bind(server: Server): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    try {
      return await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

describe('grpc.health.v1 wire form', () => {
  it('encodes the service name as field 1 and reads the status from field 1', () => {
    expect(encodeHealthCheckRequest('')).toEqual(Buffer.alloc(0));
    expect(encodeHealthCheckRequest('db')).toEqual(Buffer.from([10, 2, 0x64, 0x62]));
    expect(decodeHealthCheckResponse(Buffer.from([8, 2]))).toBe(2);
    // Unknown fields are skipped.
    expect(decodeHealthCheckResponse(Buffer.from([0x12, 1, 0x41, 8, 1]))).toBe(1);
    expect(decodeHealthCheckResponse(Buffer.alloc(0))).toBe(0);
  });
});

describe('grpcProbe against a grpc.health.v1 server', () => {
  const statuses = new Map<string, string>([
    ['', 'SERVING'],
    ['ready', 'SERVING'],
    ['draining', 'NOT_SERVING'],
    ['odd', 'SERVICE_UNKNOWN'],
  ]);
  const calls: { service: string; userAgent: string }[] = [];
  let delayMs = 0;
  const server = new Server();
  server.addService(healthService, {
    Check(call: ServerUnaryCall<{ service: string }, unknown>, callback: sendUnaryData<{ status: string }>) {
      calls.push({ service: call.request.service, userAgent: String(call.metadata.get('user-agent')[0] ?? '') });
      const answer = () => {
        const status = statuses.get(call.request.service);
        if (status === undefined) callback({ code: GrpcStatus.NOT_FOUND, details: 'unknown service' });
        else callback(null, { status });
      };
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    },
  });
  const bare = new Server();
  let port = 0;
  let barePort = 0;
  beforeAll(async () => {
    port = await bind(server);
    barePort = await bind(bare);
  });
  afterAll(() => {
    server.forceShutdown();
    bare.forceShutdown();
  });

  it('passes on SERVING, asking with kube-probe/<major.minor> as the user agent', async () => {
    calls.length = 0;
    expect(await grpcProbe('127.0.0.1', port, '', 1000)).toEqual({ result: ProbeResult.Success, output: 'service healthy' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.service).toBe('');
    expect(calls[0]!.userAgent).toMatch(/^kube-probe\/1\.33\b/);
  });

  it('asks about the named service', async () => {
    calls.length = 0;
    expect(await grpcProbe('127.0.0.1', port, 'ready', 1000)).toEqual({ result: ProbeResult.Success, output: 'service healthy' });
    expect(calls[0]!.service).toBe('ready');
  });

  it.each([
    ['draining', 'NOT_SERVING'],
    ['odd', 'SERVICE_UNKNOWN'],
  ])('fails when service %s answers %s', async (service, status) => {
    expect(await grpcProbe('127.0.0.1', port, service, 1000)).toEqual({ result: ProbeResult.Failure, output: `service unhealthy (responded with "${status}")` });
  });

  it('fails with the server’s error for a service it does not know', async () => {
    expect(await grpcProbe('127.0.0.1', port, 'nope', 1000)).toEqual({
      result: ProbeResult.Failure,
      output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service',
    });
  });

  it('fails on a server without the health service', async () => {
    const out = await grpcProbe('127.0.0.1', barePort, '', 1000);
    expect(out.result).toBe(ProbeResult.Failure);
    expect(out.output).toMatch(/^error: this server does not implement the grpc health protocol \(grpc\.health\.v1\.Health\): /);
  });

  it('fails when the answer takes longer than the timeout', async () => {
    delayMs = 3000;
    try {
      const t0 = Date.now();
      expect(await grpcProbe('127.0.0.1', port, '', 1000)).toEqual({ result: ProbeResult.Failure, output: 'timeout: health rpc did not complete within 1s' });
      expect(Date.now() - t0).toBeLessThan(2900);
    } finally {
      delayMs = 0;
    }
  });

  it('fails with Go’s wording when nothing listens', async () => {
    const closed = await freePort();
    expect(await grpcProbe('127.0.0.1', closed, '', 1000)).toEqual({
      result: ProbeResult.Failure,
      output: `error: health rpc probe failed: rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:${closed}: connect: connection refused"`,
    });
  });
});
