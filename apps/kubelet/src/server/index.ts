// The kubelet's HTTP API: container logs, exec and attach streaming, /pods, /stats/summary,
// /healthz and /metrics.
export { KubeletServer, checkLogStatus, streamFlags, type KubeletPods, type KubeletServerOptions } from './server';
export { readContainerLog, type ContainerLogOptions, type LogReadContext, type LogSink } from './log-reader';
export { parseCriLogLine, formatCriLogLine, type CriLogLine } from './cri-log';
export { parseLogQuery, type LogQuery } from './log-options';
export { StatsProvider, PodLabel, type Summary, type PodSummary, type ContainerSummary, type CpuStats, type MemoryStats } from './stats';
export { dialRemoteCommand, REMOTE_COMMAND_PROTOCOL, type RemoteCommand, type StreamFlags } from './remote-command';
export { bridgeStreams, chooseChannelProtocol, Channel, CHANNEL_PROTOCOLS, type ChannelProtocol } from './stream-bridge';
export { SpdyConnection, SpdyStream, dialSpdy, UpgradeRefusedError } from './spdy';
