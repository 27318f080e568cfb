import { projectConfig } from '../../vitest.shared.ts';

// No code yet (the informer machinery comes with the apiserver's gRPC API).
export default projectConfig('libs/client', { passWithNoTests: true });
