/**
 * How kubectl reads a resource the user typed (`po`, `pods`, `Pod`, `deployments.apps`,
 * `deploy.v1.apps`): schema.ParseResourceArg, then shortcut expansion, then the REST mapper.
 */

/** One reading of a typed resource: the name part, and the group and version it pins, if any. */
export interface ResourceArg {
  /** Lower-cased plural, singular or short name. */
  name: string;
  /** undefined: any group. '' is never produced: the core group cannot be named this way. */
  group: string | undefined;
  /** undefined: the group's preferred version. */
  version: string | undefined;
}

/**
 * The readings of a typed resource, to try in order. `a.b.c...` is first read as
 * resource.version.group (`deploy.v1.apps`) and then as resource.group (`ingresses.networking.k8s.io`),
 * as kubectl does; `a.b` is resource.group; a bare word any group.
 */
export function parseResourceArg(input: string): ResourceArg[] {
  const dot = input.indexOf('.');
  if (dot < 0) return [{ name: input.toLowerCase(), group: undefined, version: undefined }];
  const name = input.slice(0, dot).toLowerCase();
  const rest = input.slice(dot + 1);
  const readings: ResourceArg[] = [];
  const second = rest.indexOf('.');
  if (second >= 0) {
    readings.push({ name, version: rest.slice(0, second), group: rest.slice(second + 1) });
  }
  readings.push({ name, group: rest, version: undefined });
  return readings;
}
