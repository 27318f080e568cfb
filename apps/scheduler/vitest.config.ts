import { projectConfig } from '../../vitest.shared.ts';

// Integration specs (test/) each start an apiserver process; leader-election ones wait out leases.
export default projectConfig('apps/scheduler', { testTimeout: 30_000 });
