import { projectConfig } from '../../vitest.shared';

export default projectConfig('libs/client');
