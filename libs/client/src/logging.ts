import type { Logger } from '@tskube/component';

/** The logger the client machinery uses when none is given: it drops everything. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  with: () => silentLogger,
};
