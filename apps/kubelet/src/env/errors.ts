const brand = Symbol.for('tskube.kubelet.EnvError');

/**
 * A container environment that cannot be built: a missing ConfigMap, Secret or key that is not
 * optional, an unsupported field or resource reference. The message is the one Kubernetes' kubelet
 * gives (`configmap "x" not found`, `couldn't find key k in Secret ns/s`); the pod lifecycle shows it
 * as the container's waiting message with reason CreateContainerConfigError.
 */
export class EnvError extends Error {
  override readonly name = 'EnvError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, brand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}
