// containerd for the local cluster and the tests (see containerd.ts), and its generated config.
export {
  canLowerOomScore,
  ContainerdStartError,
  DEFAULT_CNI_BIN_DIR,
  overlayWorks,
  SANDBOX_IMAGE,
  socketAccepts,
  startContainerd,
  type Containerd,
  type StartContainerdOptions,
} from './containerd';
export { containerdConfig, containerdPaths, Snapshotter, type ContainerdConfigOptions, type ContainerdPaths } from './config';
