/**
 * The outcome of one plugin call (framework.Status in kube-scheduler). `undefined` stands for
 * Success everywhere a `Status | undefined` is returned, so the common path allocates nothing.
 */
export const Code = {
  /** The plugin ran and the pod may proceed. */
  Success: 'Success',
  /** An internal failure (bad state, a failed API call): the cycle is aborted and retried later. */
  Error: 'Error',
  /** The pod does not fit this node now; preemption may help. */
  Unschedulable: 'Unschedulable',
  /** The pod does not fit this node and preemption cannot change that (a taint, a selector, a node too small). */
  UnschedulableAndUnresolvable: 'UnschedulableAndUnresolvable',
  /** Permit only: hold the pod until allowed or rejected, or until its timeout. */
  Wait: 'Wait',
  /** PreFilter/PreScore: the plugin has nothing to do for this pod, so its Filter/Score calls are skipped. Bind: not handled by this plugin. */
  Skip: 'Skip',
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export interface StatusOptions {
  /** The error behind an Error status. */
  cause?: unknown;
  /** The plugin that produced the status; the framework fills it in when absent. */
  plugin?: string;
}

/**
 * A code, human-readable reasons and, for Error, a cause. Reasons are the exact strings Kubernetes
 * prints (`Insufficient cpu`, `node(s) had untolerated taint {k: v}`), because FailedScheduling
 * messages count them. Instances are immutable apart from `plugin`, which the framework stamps once.
 */
export class Status {
  readonly code: Code;
  readonly reasons: readonly string[];
  readonly cause: unknown;
  /** The plugin that returned the status; undefined until the framework (or the plugin) sets it. */
  plugin: string | undefined;

  constructor(code: Code, reasons: readonly string[] = [], options: StatusOptions = {}) {
    this.code = code;
    this.reasons = reasons;
    this.cause = options.cause;
    this.plugin = options.plugin;
  }

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }

  /**
   * A shared rejection for a fixed reason, stamped with its plugin up front so the framework never
   * mutates it: Filter plugins return it for every failing node without allocating.
   */
  static constant(code: Code, reason: string, plugin: string): Status {
    return new Status(code, Object.freeze([reason]), { plugin });
  }

  static skip(): Status {
    return new Status(Code.Skip);
  }

  /** An Error status whose only reason is the error's message (framework.AsStatus). */
  static error(cause: unknown): Status {
    const message = cause instanceof Error ? cause.message : String(cause);
    return new Status(Code.Error, [message], { cause });
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  /** Unschedulable or UnschedulableAndUnresolvable: the plugin rejected the pod (IsRejected). */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  /** The reasons joined by ", ", as Status.Message. */
  message(): string {
    return this.reasons.join(', ');
  }

  /** Stamps the plugin name when none is set yet; returns this status. */
  withPlugin(name: string): this {
    this.plugin ??= name;
    return this;
  }
}

/** The code of a possibly-undefined status: undefined means Success. */
export function codeOf(status: Status | undefined): Code {
  return status === undefined ? Code.Success : status.code;
}

/** True for undefined and for a Success status. */
export function isSuccess(status: Status | undefined): boolean {
  return status === undefined || status.code === Code.Success;
}

const pluginErrorBrand = Symbol.for('tskube.scheduler.PluginError');

/**
 * Thrown out of the scheduling algorithm when a plugin returns an Error status (or throws): the
 * cycle is aborted, as kube-scheduler aborts it, and the pod is retried after backoff.
 */
export class PluginError extends Error {
  override readonly name = 'PluginError';
  /** The plugin that failed, when known. */
  readonly plugin: string | undefined;

  constructor(message: string, options: { plugin?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.plugin = options.plugin;
    Object.defineProperty(this, pluginErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[pluginErrorBrand] === true;
  }

  /** The error for an Error status returned by `plugin` at `point`. */
  static fromStatus(point: string, plugin: string, status: Status): PluginError {
    return new PluginError(`running ${JSON.stringify(plugin)} ${point} plugin: ${status.message()}`, { plugin, cause: status.cause });
  }
}
