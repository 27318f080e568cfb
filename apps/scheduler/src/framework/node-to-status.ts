import { Code, Status } from './status';

/**
 * Why each node was rejected in a cycle (framework.NodeToStatus): statuses of the nodes that were
 * evaluated and failed, plus one status for every node not in the map (rejected wholesale by a
 * PreFilter, or outside a PreFilterResult). Nodes that passed are not recorded.
 */
export class NodeToStatus {
  private readonly statuses = new Map<string, Status>();
  /** The status of nodes absent from the map; UnschedulableAndUnresolvable with no reason by default. */
  absentNodesStatus: Status;

  constructor(absentNodesStatus: Status = new Status(Code.UnschedulableAndUnresolvable)) {
    this.absentNodesStatus = absentNodesStatus;
  }

  /** The recorded status of `node`, or the absent-nodes status. */
  get(node: string): Status {
    return this.statuses.get(node) ?? this.absentNodesStatus;
  }

  set(node: string, status: Status): void {
    this.statuses.set(node, status);
  }

  /** Whether `node` has a status of its own. */
  has(node: string): boolean {
    return this.statuses.has(node);
  }

  /** The number of nodes with a status of their own. */
  get size(): number {
    return this.statuses.size;
  }

  /** Nodes with a status of their own, in insertion order. */
  entries(): IterableIterator<[string, Status]> {
    return this.statuses.entries();
  }
}
