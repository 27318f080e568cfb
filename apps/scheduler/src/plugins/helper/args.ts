const argsErrorBrand = Symbol.for('tskube.scheduler.PluginArgsError');

/** A plugin's args (pluginConfig[].args) are malformed or out of range. */
export class PluginArgsError extends Error {
  override readonly name = 'PluginArgsError';

  constructor(
    readonly plugin: string,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(`${plugin} args: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, argsErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[argsErrorBrand] === true;
  }
}

/** `args` as an object (undefined and null give {}); anything else is a PluginArgsError. */
export function argsObject(plugin: string, args: unknown): Record<string, unknown> {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw new PluginArgsError(plugin, 'must be an object');
  return args as Record<string, unknown>;
}
