import { projectConfig } from '../../vitest.shared.ts';

// test/ drives a private containerd and a real apiserver; each file shares one of each.
export default projectConfig('apps/kubelet', { testTimeout: 60_000 });
