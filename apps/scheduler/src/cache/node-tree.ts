import type { corev1 } from '@tskube/api-types';

const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';

/** The node's zone identity (utilnode.GetZoneKey): region and zone labels, '' when it has neither. */
export function zoneKey(node: corev1.Node): string {
  const labels = node.metadata?.labels ?? {};
  const region = labels[REGION] ?? labels[BETA_REGION] ?? '';
  const zone = labels[ZONE] ?? labels[BETA_ZONE] ?? '';
  if (region === '' && zone === '') return '';
  return `${region}:\u0000:${zone}`;
}

/**
 * Node names grouped by zone (kube-scheduler's nodeTree). `list()` interleaves the zones (the first
 * node of every zone, then the second, ...), so that a cycle that stops filtering after a share of
 * the nodes (percentageOfNodesToScore) still sees every zone.
 */
export class NodeTree {
  private readonly zones = new Map<string, string[]>();
  private readonly zoneOf = new Map<string, string>();
  private ordered: string[] | undefined;

  get size(): number {
    return this.zoneOf.size;
  }

  /** Adds the node; a node already present is moved if its zone changed. True when the list changed. */
  add(node: corev1.Node): boolean {
    const name = node.metadata?.name ?? '';
    const zone = zoneKey(node);
    const current = this.zoneOf.get(name);
    if (current === zone) return false;
    if (current !== undefined) this.remove(node);
    this.zoneOf.set(name, zone);
    let list = this.zones.get(zone);
    if (list === undefined) this.zones.set(zone, (list = []));
    list.push(name);
    this.ordered = undefined;
    return true;
  }

  /** True when the node was there. */
  remove(node: corev1.Node): boolean {
    const name = node.metadata?.name ?? '';
    const zone = this.zoneOf.get(name);
    if (zone === undefined) return false;
    this.zoneOf.delete(name);
    const list = this.zones.get(zone)!;
    list.splice(list.indexOf(name), 1);
    if (list.length === 0) this.zones.delete(zone);
    this.ordered = undefined;
    return true;
  }

  /** Every node name, zones interleaved; the same array until the tree changes. */
  list(): readonly string[] {
    if (this.ordered !== undefined) return this.ordered;
    const out: string[] = [];
    const lists = [...this.zones.values()];
    for (let i = 0; out.length < this.zoneOf.size; i++) {
      for (const l of lists) if (i < l.length) out.push(l[i]!);
    }
    this.ordered = out;
    return out;
  }
}
