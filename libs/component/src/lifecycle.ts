import type { Logger } from './logger';

export interface LifecycleOptions {
  logger: Logger;
  /** How long one shutdown hook may take before it is abandoned. */
  hookTimeoutMs?: number;
  /** Process to listen on for signals and to exit; injectable for tests. */
  process?: Pick<NodeJS.Process, 'once' | 'off' | 'exit'>;
}

type Hook = { name: string; run: () => void | Promise<void> };

/**
 * Orderly shutdown on SIGTERM or SIGINT: hooks run in reverse registration order (what started
 * last stops first), each bounded by a timeout, and the process exits 0 once all have finished.
 * A second signal while shutting down exits at once with 1.
 */
export class Lifecycle {
  private readonly hooks: Hook[] = [];
  private readonly logger: Logger;
  private readonly hookTimeoutMs: number;
  private readonly proc: Pick<NodeJS.Process, 'once' | 'off' | 'exit'>;
  private stopping: Promise<void> | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.stopping) {
      this.logger.warn('second signal during shutdown, exiting now', { signal });
      this.proc.exit(1);
      return;
    }
    void this.shutdown(signal).then(() => this.proc.exit(0));
  };

  constructor(options: LifecycleOptions) {
    this.logger = options.logger;
    this.hookTimeoutMs = options.hookTimeoutMs ?? 10_000;
    if (this.hookTimeoutMs <= 0) throw new Error('Lifecycle: hookTimeoutMs must be positive');
    this.proc = options.process ?? process;
  }

  /** Registers work to do at shutdown. Not idempotent: registering twice runs twice. */
  onShutdown(name: string, run: () => void | Promise<void>): void {
    this.hooks.push({ name, run });
  }

  installSignalHandlers(): void {
    this.proc.once('SIGTERM', this.onSignal);
    this.proc.once('SIGINT', this.onSignal);
  }

  /**
   * Shuts down when the launching process dies, however it dies (SIGKILL included): a launcher
   * that sets TSKUBE_EXIT_WITH_PARENT=1 holds the write end of this process's stdin, and its
   * death closes it. Without that variable stdin is left alone.
   */
  exitWithParent(stdin: NodeJS.ReadableStream = process.stdin, env: NodeJS.ProcessEnv = process.env): void {
    if (env['TSKUBE_EXIT_WITH_PARENT'] !== '1') return;
    const onGone = () => void this.shutdown('parent process exited').then(() => this.proc.exit(0));
    stdin.once('end', onGone);
    stdin.once('close', onGone);
    stdin.resume();
  }

  /** Runs the hooks once; later calls return the same promise. Never rejects. */
  shutdown(reason: string): Promise<void> {
    this.stopping ??= this.runHooks(reason);
    return this.stopping;
  }

  private async runHooks(reason: string): Promise<void> {
    this.logger.info('shutting down', { reason });
    for (const hook of [...this.hooks].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.hookTimeoutMs);
      });
      try {
        const outcome = await Promise.race([Promise.resolve().then(hook.run), timeout]);
        if (outcome === 'timeout') this.logger.warn('shutdown hook timed out', { hook: hook.name });
      } catch (err) {
        this.logger.error('shutdown hook failed', { hook: hook.name, err });
      } finally {
        clearTimeout(timer);
      }
    }
    this.logger.info('shutdown complete');
  }
}
