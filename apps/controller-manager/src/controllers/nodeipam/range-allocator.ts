import { StatusReason, hasReason, type KubeObject, type corev1 } from '@tskube/api-types';
import { PatchType, objectOf, type IndexedLister } from '@tskube/client';
import { Resources, keyOf, newQueue, runController, type Controller, type ControllerContext } from '../../framework/context';
import { overlaps, parsePrefix } from './cidr';
import { CidrRangeExhaustedError, CidrSet } from './cidr-set';

type Node = corev1.Node & KubeObject;

/** The node-IPAM settings, from the controller-manager's flags. */
export interface RangeAllocatorConfig {
  /** One CIDR set per cluster CIDR (one per IP family), in flag order. */
  sets: CidrSet[];
}

/**
 * Reads `--cluster-cidr` (one CIDR, or an IPv4 and an IPv6 one comma-separated),
 * `--node-cidr-mask-size` (single stack; 24 for IPv4, 64 for IPv6 by default),
 * `--node-cidr-mask-size-ipv4`/`-ipv6` (dual stack) and `--service-cluster-ip-range` (whose
 * addresses are never given to nodes), as kube-controller-manager validates them.
 */
export function rangeAllocatorConfig(flags: Record<string, string>): RangeAllocatorConfig {
  const cidrs = (flags['cluster-cidr'] || '10.244.0.0/16')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (cidrs.length > 2) throw new Error(`--cluster-cidr takes at most one IPv4 and one IPv6 CIDR, got ${cidrs.length}`);
  const prefixes = cidrs.map(parsePrefix);
  if (prefixes.length === 2 && prefixes[0]!.family === prefixes[1]!.family) throw new Error('--cluster-cidr: a dual-stack cluster needs one IPv4 and one IPv6 CIDR');
  const dual = prefixes.length === 2;
  const mask = (family: 4 | 6): number => {
    const specific = flags[`node-cidr-mask-size-ipv${family}`];
    const generic = dual ? undefined : flags['node-cidr-mask-size'];
    const raw = specific || generic;
    if (!raw) return family === 4 ? 24 : 64;
    const n = Number(raw);
    if (!Number.isInteger(n)) throw new Error(`node CIDR mask size must be an integer, got ${raw}`);
    return n;
  };
  const sets = cidrs.map((c, i) => new CidrSet(c, mask(prefixes[i]!.family)));
  for (const range of (flags['service-cluster-ip-range'] ?? '').split(',').map((r) => r.trim()).filter(Boolean)) {
    const svc = parsePrefix(range);
    for (const set of sets) if (overlaps(svc, set.cluster)) set.occupy(range);
  }
  return { sets };
}

/** A node's pod CIDRs: spec.podCIDRs, or spec.podCIDR alone as older nodes have it. */
function podCIDRsOf(node: corev1.Node): string[] {
  const list = node.spec?.podCIDRs ?? [];
  if (list.length > 0) return list;
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

/**
 * Node IPAM with the range allocator (kube-controller-manager's `nodeipam`, when
 * `--allocate-node-cidrs` is true): gives every node without one a pod CIDR per cluster CIDR
 * (spec.podCIDR and spec.podCIDRs), never the same one twice. What is in use is rebuilt from the
 * nodes before the first allocation, a deleted node's CIDRs are freed, and a node that cannot get
 * one gets a CIDRNotAvailable event and is retried (at once when some node goes away).
 */
export const nodeIpamController: Controller = {
  name: 'nodeipam',
  async start(ctx: ControllerContext): Promise<void> {
    if (ctx.flags['allocate-node-cidrs'] !== 'true') {
      ctx.logger.info('node CIDR allocation is off (--allocate-node-cidrs=false)', { controller: 'nodeipam' });
      return;
    }
    await new RangeAllocator(ctx, rangeAllocatorConfig(ctx.flags)).run();
  },
};

class RangeAllocator {
  private readonly queue = newQueue();
  private readonly nodes: IndexedLister<Node>;
  private readonly synced: Promise<boolean>;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly config: RangeAllocatorConfig,
  ) {
    const nodes = ctx.informers.informer<Node>('nodes');
    this.nodes = nodes.lister;
    nodes.addEventHandler({
      onAdd: (node) => this.queue.add(keyOf(node)),
      onUpdate: (oldNode, newNode) => {
        if (podCIDRsOf(newNode).length === 0 || podCIDRsOf(oldNode).join() !== podCIDRsOf(newNode).join()) this.queue.add(keyOf(newNode));
      },
      onDelete: (obj) => {
        const node = objectOf(obj);
        this.release(podCIDRsOf(node), node.metadata?.name ?? '');
        // Room was made: nodes still waiting for a CIDR need not wait for their back-off.
        for (const waiting of this.nodes.list((n) => podCIDRsOf(n).length === 0)) this.queue.add(keyOf(waiting));
      },
    });
    this.synced = nodes.waitForSync(ctx.signal);
  }

  async run(): Promise<void> {
    if (!(await this.synced)) return;
    // Everything already handed out is marked before anything new is handed out.
    for (const node of this.nodes.list()) this.occupy(node);
    await runController(this.ctx, 'nodeipam', this.queue, this.ctx.workers('node-ipam', 5), (key) => this.sync(key));
  }

  private occupy(node: Node): void {
    for (const cidr of podCIDRsOf(node)) {
      const set = this.config.sets.find((s) => s.contains(cidr));
      if (set) set.occupy(cidr);
      else this.ctx.logger.warn('node pod CIDR is outside the cluster CIDR', { controller: 'nodeipam', node: node.metadata?.name, cidr });
    }
  }

  private release(cidrs: string[], node: string): void {
    for (const cidr of cidrs) {
      const set = this.config.sets.find((s) => s.contains(cidr));
      if (set) set.release(cidr);
      else this.ctx.logger.warn('cannot release a pod CIDR outside the cluster CIDR', { controller: 'nodeipam', node, cidr });
    }
  }

  private async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node || node.metadata?.deletionTimestamp) return;
    if (podCIDRsOf(node).length > 0) {
      this.occupy(node);
      return;
    }
    const allocated: string[] = [];
    try {
      for (const set of this.config.sets) allocated.push(set.allocateNext());
    } catch (err) {
      this.release(allocated, name);
      if (err instanceof CidrRangeExhaustedError) this.nodeEvent(node, 'CIDRNotAvailable');
      throw err;
    }
    try {
      // Read the node itself, not the cache: it may have got CIDRs we have not seen yet.
      const fresh = await this.ctx.client.get<Node>(Resources.nodes, '', name);
      if (podCIDRsOf(fresh).length > 0) {
        this.release(allocated, name);
        this.occupy(fresh);
        return;
      }
      await this.ctx.client.patch(Resources.nodes, '', name, PatchType.MergePatch, {
        metadata: { resourceVersion: fresh.metadata.resourceVersion },
        spec: { podCIDR: allocated[0], podCIDRs: allocated },
      });
      this.ctx.logger.info('set node pod CIDRs', { controller: 'nodeipam', node: name, podCIDRs: allocated });
    } catch (err) {
      this.release(allocated, name);
      if (hasReason(err, StatusReason.NotFound)) return;
      if (!hasReason(err, StatusReason.Conflict)) this.nodeEvent(node, 'CIDRAssignmentFailed');
      throw err;
    }
  }

  /** nodeutil.RecordNodeStatusChange: a Normal event named after the new status. */
  private nodeEvent(node: Node, status: string): void {
    const name = node.metadata?.name ?? '';
    this.ctx.recorder.event({ apiVersion: 'v1', kind: 'Node', name, uid: name }, 'Normal', status, `Node ${name} status is now: ${status}`);
  }
}
