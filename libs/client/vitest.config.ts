import { projectConfig } from '../../vitest.shared.ts';

// The client machinery; specs run against an in-process fake of the apiserver's gRPC API.
export default projectConfig('libs/client');
