import type { PluginFactory } from './interfaces';

const registryErrorBrand = Symbol.for('tskube.scheduler.RegistryError');

/** A registry refused a name (already taken) or lacks one a configuration asks for. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, registryErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[registryErrorBrand] === true;
  }
}

/** Plugin names to factories (runtime.Registry). Names are unique: registering one twice throws. */
export class Registry {
  private readonly factories = new Map<string, PluginFactory>();

  constructor(entries: Iterable<readonly [string, PluginFactory]> = []) {
    for (const [name, factory] of entries) this.register(name, factory);
  }

  /** Adds `factory` under `name`; throws RegistryError when the name is taken. */
  register(name: string, factory: PluginFactory): this {
    if (this.factories.has(name)) throw new RegistryError(`a plugin named ${name} already exists`);
    this.factories.set(name, factory);
    return this;
  }

  /** Removes `name`; throws RegistryError when it is not registered. */
  unregister(name: string): this {
    if (!this.factories.delete(name)) throw new RegistryError(`no plugin named ${name} exists`);
    return this;
  }

  /** Registers every entry of `other` (out-of-tree plugins on top of the in-tree ones); duplicates throw. */
  merge(other: Registry): this {
    for (const [name, factory] of other.factories) this.register(name, factory);
    return this;
  }

  get(name: string): PluginFactory | undefined {
    return this.factories.get(name);
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  /** Registered names in registration order. */
  names(): string[] {
    return [...this.factories.keys()];
  }
}
