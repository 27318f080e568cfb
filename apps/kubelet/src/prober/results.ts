/** A worker's conclusion about a container instance (Kubernetes' results.Result). */
export const WorkerResult = { Unknown: 'unknown', Success: 'success', Failure: 'failure' } as const;
export type WorkerResult = (typeof WorkerResult)[keyof typeof WorkerResult];

/**
 * The latest result of one kind of probe for every container instance, keyed by container ID so
 * a restarted container (a new ID) starts without one (Kubernetes' results.Manager).
 */
export class ResultsCache {
  private readonly results = new Map<string, WorkerResult>();

  get(containerId: string): WorkerResult | undefined {
    return this.results.get(containerId);
  }

  /** Stores the result; true when it differs from the one held (or none was). */
  set(containerId: string, result: WorkerResult): boolean {
    const previous = this.results.get(containerId);
    this.results.set(containerId, result);
    return previous !== result;
  }

  remove(containerId: string): void {
    this.results.delete(containerId);
  }

  get size(): number {
    return this.results.size;
  }
}
