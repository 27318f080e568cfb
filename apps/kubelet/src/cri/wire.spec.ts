import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { cri } from '@tskube/proto';
import { describe, expect, it } from 'vitest';

// containerd decodes our messages by field number only: a wrong number is a silently ignored (or
// misread) field. These numbers are k8s.io/cri-api's (pkg/apis/runtime/v1/api.proto); the table
// pins the ones the kubelet depends on, so an edit of proto/cri that renumbers them fails here.

/** The field numbers present at the top level of an encoded message, in order. */
function fieldNumbers(bytes: Uint8Array): number[] {
  const reader = new BinaryReader(bytes);
  const numbers: number[] = [];
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    numbers.push(field);
    reader.skip(wireType);
  }
  return numbers;
}

const cases = [
  { name: 'PodSandboxConfig.log_directory', bytes: () => cri.PodSandboxConfig.encode(cri.PodSandboxConfig.fromPartial({ logDirectory: '/var/log/pods/x' })).finish(), want: [3] },
  { name: 'PodSandboxConfig.linux', bytes: () => cri.PodSandboxConfig.encode(cri.PodSandboxConfig.fromPartial({ linux: { cgroupParent: '/kubepods' } })).finish(), want: [8] },
  { name: 'PodSandboxConfig.dns_config and port_mappings', bytes: () => cri.PodSandboxConfig.encode(cri.PodSandboxConfig.fromPartial({ dnsConfig: { servers: ['10.96.0.10'] }, portMappings: [{ containerPort: 80 }] })).finish(), want: [4, 5] },
  { name: 'ContainerConfig.log_path', bytes: () => cri.ContainerConfig.encode(cri.ContainerConfig.fromPartial({ logPath: 'c/0.log' })).finish(), want: [11] },
  { name: 'ContainerConfig.envs, mounts', bytes: () => cri.ContainerConfig.encode(cri.ContainerConfig.fromPartial({ envs: [{ key: 'A', value: 'b' }], mounts: [{ containerPath: '/data' }] })).finish(), want: [6, 7] },
  { name: 'ContainerConfig.stdin, stdin_once, tty, linux', bytes: () => cri.ContainerConfig.encode(cri.ContainerConfig.fromPartial({ stdin: true, stdinOnce: true, tty: true, linux: {} })).finish(), want: [12, 13, 14, 15] },
  { name: 'LinuxContainerResources.memory_limit_in_bytes, oom_score_adj', bytes: () => cri.LinuxContainerResources.encode(cri.LinuxContainerResources.fromPartial({ memoryLimitInBytes: 1, oomScoreAdj: 1 })).finish(), want: [4, 5] },
  { name: 'LinuxContainerSecurityContext.run_as_user, run_as_group', bytes: () => cri.LinuxContainerSecurityContext.encode(cri.LinuxContainerSecurityContext.fromPartial({ runAsUser: { value: 1 }, runAsGroup: { value: 1 } })).finish(), want: [5, 12] },
  { name: 'LinuxContainerSecurityContext.seccomp', bytes: () => cri.LinuxContainerSecurityContext.encode(cri.LinuxContainerSecurityContext.fromPartial({ seccomp: {} })).finish(), want: [15] },
  { name: 'LinuxSandboxSecurityContext.run_as_group, seccomp', bytes: () => cri.LinuxSandboxSecurityContext.encode(cri.LinuxSandboxSecurityContext.fromPartial({ runAsGroup: { value: 1 }, seccomp: {} })).finish(), want: [8, 9] },
  { name: 'ImageSpec.user_specified_image', bytes: () => cri.ImageSpec.encode(cri.ImageSpec.fromPartial({ userSpecifiedImage: 'nginx' })).finish(), want: [18] },
  { name: 'ContainerStatus.log_path, image_id', bytes: () => cri.ContainerStatus.encode(cri.ContainerStatus.fromPartial({ logPath: '/x', imageId: 'sha256:a' })).finish(), want: [15, 17] },
  { name: 'StopContainerRequest.timeout', bytes: () => cri.StopContainerRequest.encode(cri.StopContainerRequest.fromPartial({ timeout: 30 })).finish(), want: [2] },
  { name: 'ExecSyncRequest.timeout', bytes: () => cri.ExecSyncRequest.encode(cri.ExecSyncRequest.fromPartial({ timeout: 1 })).finish(), want: [3] },
  { name: 'ExecRequest.tty, stdin, stdout, stderr', bytes: () => cri.ExecRequest.encode(cri.ExecRequest.fromPartial({ tty: true, stdin: true, stdout: true, stderr: true })).finish(), want: [3, 4, 5, 6] },
  { name: 'AttachRequest.stdin, tty, stdout, stderr', bytes: () => cri.AttachRequest.encode(cri.AttachRequest.fromPartial({ stdin: true, tty: true, stdout: true, stderr: true })).finish(), want: [2, 3, 4, 5] },
  { name: 'PullImageRequest.sandbox_config', bytes: () => cri.PullImageRequest.encode(cri.PullImageRequest.fromPartial({ sandboxConfig: {} })).finish(), want: [3] },
];

describe('CRI wire format', () => {
  it.each(cases)('$name uses the upstream field numbers', ({ bytes, want }) => {
    expect(fieldNumbers(bytes())).toEqual(want);
  });

  it('round-trips int64 nanoseconds beyond Number.MAX_SAFE_INTEGER', () => {
    const ns = 1795380100307305208n;
    const decoded = cri.PodSandboxStatus.decode(cri.PodSandboxStatus.encode(cri.PodSandboxStatus.fromPartial({ createdAt: ns })).finish());
    expect(decoded.createdAt).toBe(ns);
  });

  it('decodes upstream fields it does not declare by skipping them', () => {
    // ContainerStatus.user (18) and stop_signal (19) exist upstream only: a newer runtime sends them.
    const writer = cri.ContainerStatus.encode(cri.ContainerStatus.fromPartial({ id: 'c-1', exitCode: 2 }));
    writer.tag(18, WireType.LengthDelimited).bytes(new BinaryWriter().tag(1, WireType.Varint).int32(1000).finish());
    writer.tag(19, WireType.Varint).int32(23);
    expect(cri.ContainerStatus.decode(writer.finish())).toMatchObject({ id: 'c-1', exitCode: 2 });
  });
});
