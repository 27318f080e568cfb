import { startApiServerProcess, startComponentProcess, type ApiServerProcess, type ComponentProcess } from '@tskube/test-support';
import { createHollowNodes, runLeaseRenewer, runPodMarker } from '../../../tools/hollow/hollow-nodes';

/** A control plane of real processes with hollow nodes whose pod marker plays the kubelets. */
export interface HollowCluster {
  api: ApiServerProcess;
  controllerManager: ComponentProcess;
  scheduler: ComponentProcess;
  nodes: string[];
  /** Stops everything it started, newest first; reports the components' exit codes. */
  stop(): Promise<{ controllerManager: number | null; scheduler: number | null }>;
}

export interface HollowClusterOptions {
  nodes: number;
  /** Pods per node; 110 by default. */
  podsPerNode?: number;
  /** Extra controller-manager flags. */
  controllerManagerArgs?: string[];
}

/**
 * Starts the apiserver, the controller-manager and the scheduler as their own processes (built
 * from the current sources), registers `nodes` hollow nodes with leases kept fresh, and runs the
 * pod marker that makes their bound pods Running and Ready and completes their deletions.
 */
export async function startHollowCluster(options: HollowClusterOptions): Promise<HollowCluster> {
  const api = await startApiServerProcess();
  const started: { stop(): unknown }[] = [api];
  try {
    const nodes = await createHollowNodes(api.url, { count: options.nodes, pods: options.podsPerNode ?? 110, cpu: '64', memory: '256Gi' });
    const leases = runLeaseRenewer(api.url, nodes);
    started.push(leases);
    await leases.renewed;
    const marker = runPodMarker(api.url);
    started.push({ stop: async () => { marker.stop(); await marker.done; } });
    const controllerManager = await startComponentProcess('controller-manager', [`--master=${api.master}`, '--leader-elect=false', ...(options.controllerManagerArgs ?? [])]);
    started.push(controllerManager);
    const scheduler = await startComponentProcess('scheduler', [`--master=${api.master}`, '--leader-elect=false']);
    started.push(scheduler);
    return {
      api,
      controllerManager,
      scheduler,
      nodes,
      stop: async () => {
        const schedulerCode = await scheduler.stop();
        const cmCode = await controllerManager.stop();
        marker.stop();
        await marker.done;
        leases.stop();
        await api.stop();
        return { controllerManager: cmCode, scheduler: schedulerCode };
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop();
    throw err;
  }
}
