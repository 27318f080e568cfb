import type { corev1 } from '@tskube/api-types';

/**
 * `$(VAR)` expansion of an exec probe's command from the container's env, as the kubelet does for
 * probes (ExpandContainerCommandOnlyStatic): only the literal `value`s are known, so a variable
 * set through `valueFrom` expands to the empty string, and one the container does not declare is
 * left as written. `$$` stands for a single `$`; a `$` before anything else, or an unclosed
 * `$(`, is kept as is.
 */
export function expandProbeCommand(command: readonly string[], env: readonly corev1.EnvVar[] | undefined): string[] {
  const values = new Map<string, string>();
  for (const e of env ?? []) values.set(e.name, e.value ?? '');
  return command.map((arg) => expand(arg, values));
}

function expand(input: string, values: ReadonlyMap<string, string>): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c !== '$' || i + 1 >= input.length) {
      out += c;
      i++;
      continue;
    }
    const next = input[i + 1]!;
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += values.has(name) ? values.get(name)! : `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$' + next;
      i += 2;
    }
  }
  return out;
}
