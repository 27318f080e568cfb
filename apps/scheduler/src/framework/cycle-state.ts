/**
 * A value a plugin keeps in the cycle state. `clone` must return a copy that later AddPod/RemovePod
 * updates (preemption's what-if runs) cannot change through the original; immutable values may
 * return themselves.
 */
export interface StateData {
  clone(): StateData;
}

/**
 * Per-cycle key/value storage (framework.CycleState): written by a plugin in PreFilter or PreScore,
 * read many times by the same plugin in Filter or Score. One cycle, one pod, one thread: no locking.
 */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter (and PreFilter extensions) are not run. */
  readonly skipFilterPlugins = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not run. */
  readonly skipScorePlugins = new Set<string>();

  /** The value stored under `key`, or undefined when nothing was written (for instance PreFilter was disabled). */
  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  /** Stores `value` under `key`, replacing any previous value. */
  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  /** A copy whose values are the values' own clones, and copies of the skip sets. */
  clone(): CycleState {
    const copy = new CycleState();
    for (const [k, v] of this.data) copy.data.set(k, v.clone());
    for (const p of this.skipFilterPlugins) copy.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) copy.skipScorePlugins.add(p);
    return copy;
  }
}
