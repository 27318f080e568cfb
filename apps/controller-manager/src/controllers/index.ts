import type { Controller } from '../framework/context';
import { cronJobController } from './cronjob';
import { daemonSetController } from './daemonset';
import { deploymentController } from './deployment';
import { endpointsController } from './endpoints';
import { endpointSliceController } from './endpointslice';
import { garbageCollectorController } from './garbagecollector';
import { jobController } from './job';
import { namespaceController } from './namespace';
import { nodeIpamController } from './nodeipam';
import { nodeLifecycleController, taintEvictionController } from './nodelifecycle';
import { podGCController } from './podgc';
import { replicaSetController, replicationControllerController } from './replicaset';
import { resourceQuotaController } from './resourcequota';
import { serviceAccountController } from './serviceaccount';
import { statefulSetController } from './statefulset';
import { ttlAfterFinishedController } from './ttlafterfinished';

/**
 * Every controller the controller-manager can run, in start order. Each lives in its own folder
 * and follows one pattern: informers that only enqueue keys, a rate-limited queue, workers
 * running an idempotent sync, expectations where it creates or deletes, events for what it does.
 */
export const allControllers: Controller[] = [
  namespaceController,
  serviceAccountController,
  replicaSetController,
  replicationControllerController,
  deploymentController,
  statefulSetController,
  daemonSetController,
  jobController,
  cronJobController,
  garbageCollectorController,
  podGCController,
  ttlAfterFinishedController,
  resourceQuotaController,
  endpointsController,
  endpointSliceController,
  nodeIpamController,
  nodeLifecycleController,
  taintEvictionController,
];
