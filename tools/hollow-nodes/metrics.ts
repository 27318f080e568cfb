import { AggregatorRegistry, Registry } from 'prom-client';

/**
 * The host's registry, served on its one /metrics: its own metrics (the process', the node
 * agents' shared ones) plus every hollow Kubelet's, each of which registers the same metric names
 * in a registry of its own. A scrape sums them series by series (a gauge such as
 * kubelet_running_pods reads as the total over all hollow nodes), as prom-client's aggregator
 * sums a cluster's workers.
 */
export class HollowRegistry extends Registry {
  private readonly members = new Set<Registry>();
  private labels: Record<string, string> = {};

  /** Labels every series, the members' included. */
  override setDefaultLabels(labels: Record<string, string>): void {
    this.labels = { ...labels };
    super.setDefaultLabels(labels);
    for (const r of this.members) r.setDefaultLabels(labels);
  }

  /** Adds a kubelet's registry to what /metrics reports; it takes this registry's default labels. */
  add(registry: Registry): void {
    registry.setDefaultLabels(this.labels);
    this.members.add(registry);
  }

  remove(registry: Registry): void {
    this.members.delete(registry);
  }

  override async metrics(): Promise<string> {
    const parts = [await super.getMetricsAsJSON()];
    for (const r of this.members) parts.push(await r.getMetricsAsJSON());
    return AggregatorRegistry.aggregate(parts).metrics();
  }
}
