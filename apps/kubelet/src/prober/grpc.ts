import { Client, Metadata, credentials, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { goDuration, joinHostPort } from './format';
import { PROBE_USER_AGENT } from './http';
import { ProbeResult, type ProbeOutcome } from './result';

/** The standard health-checking method (grpc.health.v1, health.proto). */
export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';

/** grpc.health.v1.HealthCheckResponse.ServingStatus, by number. */
export const ServingStatus = { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } as const;
const servingStatusName = new Map<number, string>(Object.entries(ServingStatus).map(([k, v]) => [v, k]));

/** HealthCheckRequest { string service = 1; } in protobuf wire form. */
export function encodeHealthCheckRequest(service: string): Buffer {
  const w = new BinaryWriter();
  if (service !== '') w.uint32(10).string(service);
  return Buffer.from(w.finish());
}

/** The `status` (field 1) of a HealthCheckResponse; unknown fields are skipped. */
export function decodeHealthCheckResponse(buf: Uint8Array): number {
  const r = new BinaryReader(buf);
  let status = 0;
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === 8) status = r.int32();
    else r.skip(tag & 7);
  }
  return status;
}

/** Go's names of gRPC status codes (codes.Code.String()). */
const goCodeName: Record<number, string> = {
  [GrpcStatus.OK]: 'OK',
  [GrpcStatus.CANCELLED]: 'Canceled',
  [GrpcStatus.UNKNOWN]: 'Unknown',
  [GrpcStatus.INVALID_ARGUMENT]: 'InvalidArgument',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [GrpcStatus.NOT_FOUND]: 'NotFound',
  [GrpcStatus.ALREADY_EXISTS]: 'AlreadyExists',
  [GrpcStatus.PERMISSION_DENIED]: 'PermissionDenied',
  [GrpcStatus.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [GrpcStatus.FAILED_PRECONDITION]: 'FailedPrecondition',
  [GrpcStatus.ABORTED]: 'Aborted',
  [GrpcStatus.OUT_OF_RANGE]: 'OutOfRange',
  [GrpcStatus.UNIMPLEMENTED]: 'Unimplemented',
  [GrpcStatus.INTERNAL]: 'Internal',
  [GrpcStatus.UNAVAILABLE]: 'Unavailable',
  [GrpcStatus.DATA_LOSS]: 'DataLoss',
  [GrpcStatus.UNAUTHENTICATED]: 'Unauthenticated',
};

const dialErrno: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
};

/** A failed call as grpc-go prints it, translating grpc-js's dial failures into Go's wording. */
function rpcErrorText(err: ServiceError, address: string): string {
  const code = goCodeName[err.code] ?? `Code(${err.code})`;
  let desc = err.details;
  if (err.code === GrpcStatus.UNAVAILABLE) {
    const errno = /\b(ECONNREFUSED|EHOSTUNREACH|ENETUNREACH)\b/.exec(desc)?.[1];
    if (errno) desc = `connection error: desc = "transport: Error while dialing: dial tcp ${address}: connect: ${dialErrno[errno]}"`;
  }
  return `rpc error: code = ${code} desc = ${desc}`;
}

/**
 * A grpc probe (Kubernetes' grpc prober): calls grpc.health.v1.Health/Check on `host:port` over
 * plaintext with the probe's service name, within `timeoutMs`. SERVING passes (`service
 * healthy`); any other status fails (`service unhealthy (responded with "NOT_SERVING")`), as do a
 * server without the health service, a call that does not finish in time, and a connection that
 * cannot be made, each with the kubelet's wording.
 */
export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeOutcome> {
  const address = joinHostPort(host, port);
  const client = new Client(joinHostPort(host || 'localhost', port), credentials.createInsecure(), {
    'grpc.primary_user_agent': PROBE_USER_AGENT,
    // One connection per probe: no retries or reconnection attempts beyond the call's deadline.
    'grpc.enable_retries': 0,
    'grpc.use_local_subchannel_pool': 1,
  });
  return new Promise<ProbeOutcome>((resolve) => {
    client.makeUnaryRequest<string, number>(
      HEALTH_CHECK_METHOD,
      encodeHealthCheckRequest,
      decodeHealthCheckResponse,
      service,
      new Metadata(),
      { deadline: Date.now() + timeoutMs },
      (err, status) => {
        if (err) {
          if (err.code === GrpcStatus.UNIMPLEMENTED) {
            resolve({ result: ProbeResult.Failure, output: `error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.details}` });
          } else if (err.code === GrpcStatus.DEADLINE_EXCEEDED) {
            resolve({ result: ProbeResult.Failure, output: `timeout: health rpc did not complete within ${goDuration(timeoutMs)}` });
          } else {
            resolve({ result: ProbeResult.Failure, output: `error: health rpc probe failed: ${rpcErrorText(err, address)}` });
          }
          return;
        }
        if (status !== ServingStatus.SERVING) {
          const name = servingStatusName.get(status ?? 0) ?? String(status);
          resolve({ result: ProbeResult.Failure, output: `service unhealthy (responded with ${JSON.stringify(name)})` });
          return;
        }
        resolve({ result: ProbeResult.Success, output: 'service healthy' });
      },
    );
  }).finally(() => client.close());
}
