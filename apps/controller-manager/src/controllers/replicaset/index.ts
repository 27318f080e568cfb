import type { Controller } from '../../framework/context';
import { ReplicaSetKind, ReplicationControllerKind, newReplicaController, type ReplicaSetControllerOptions } from './replica-set-controller';

export { ReplicaSetKind, ReplicationControllerKind, newReplicaController, type ReplicaSetControllerOptions } from './replica-set-controller';

/** The ReplicaSet controller with injectable clock and pod control. */
export function newReplicaSetController(options: ReplicaSetControllerOptions = {}): Controller {
  return newReplicaController(ReplicaSetKind, options);
}

/** The ReplicationController controller: the ReplicaSet controller over v1 ReplicationControllers. */
export function newReplicationControllerController(options: ReplicaSetControllerOptions = {}): Controller {
  return newReplicaController(ReplicationControllerKind, options);
}

/** `replicaset`: keeps ReplicaSets' pods at spec.replicas. */
export const replicaSetController: Controller = newReplicaSetController();

/** `replicationcontroller`: keeps ReplicationControllers' pods at spec.replicas. */
export const replicationControllerController: Controller = newReplicationControllerController();
