// The gRPC envelopes and the Api service, generated from proto/ by `npm run proto`: edit the
// .proto files, never src/gen. API objects inside the envelopes are JSON bytes; turning them
// into domain values is the apiserver's and the client's business, each at one boundary.
export * from './gen/tskube/api/v1/api';
export { STATUS_METADATA_KEY, grpcCodeForStatus, statusFromGrpc, statusToGrpc } from './status-metadata';
// Kubernetes' Container Runtime Interface (package runtime.v1, proto/cri), for the kubelet's
// CRI client. A namespace, because its message names (Container, Image, ...) are generic; its
// 64-bit integers are bigint, unlike the Api's.
export * as cri from './gen/cri/runtime/v1/api';
