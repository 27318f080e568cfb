import { projectConfig } from '../vitest.shared.ts';

// Developer tools: the cluster launcher, the bundler, the test runner.
export default projectConfig('tools', { include: ['**/*.spec.ts'] });
