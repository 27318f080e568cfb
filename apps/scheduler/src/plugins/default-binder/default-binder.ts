import type { corev1 } from '@tskube/api-types';
import type { CycleState } from '../../framework/cycle-state';
import type { BindPlugin, PluginFactory } from '../../framework/interfaces';
import type { PodInfo } from '../../framework/pod-info';
import { Status } from '../../framework/status';
import { PluginNames } from '../names';

/**
 * Creates the pods/binding subresource for `pod` on `nodeName`. Supplied by the process (it owns the
 * API client); rejects when the apiserver refuses the binding.
 */
export type BindFunction = (pod: corev1.Pod, nodeName: string) => Promise<void>;

/** Binds through an injected BindFunction (defaultbinder.DefaultBinder); a failed call becomes an Error status. */
export class DefaultBinder implements BindPlugin {
  readonly name = PluginNames.DefaultBinder;

  constructor(private readonly bindFn: BindFunction) {}

  async bind(_state: CycleState, pod: PodInfo, nodeName: string): Promise<Status | undefined> {
    try {
      await this.bindFn(pod.pod, nodeName);
      return undefined;
    } catch (err) {
      return Status.error(err);
    }
  }
}

/** A DefaultBinder factory bound to `bind`. Without one, binding fails with an Error status. */
export function defaultBinderFactory(bind?: BindFunction): PluginFactory {
  const fn: BindFunction =
    bind ??
    (() => {
      return Promise.reject(new Error('no bind function configured for DefaultBinder'));
    });
  return () => new DefaultBinder(fn);
}
