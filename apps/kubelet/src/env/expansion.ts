import type { corev1 } from '@tskube/api-types';

/**
 * `$(VAR)` references as Kubernetes expands them in env values, command, args and subPathExpr:
 * `$(NAME)` is replaced by the variable's value when the mapping knows it and left as written when
 * it does not; `$$` is an escaped `$`; a `$` followed by anything else, or an unclosed `$(`, is kept
 * literally. Expansion is a single pass: a value that itself contains `$(X)` is not expanded again.
 */
export type Mapping = (name: string) => string;

/** A mapping that looks `name` up in each context in turn and leaves unknown names as `$(name)`. */
export function mappingFor(...contexts: ReadonlyArray<ReadonlyMap<string, string>>): Mapping {
  return (name) => {
    for (const vars of contexts) {
      const value = vars.get(name);
      if (value !== undefined) return value;
    }
    return `$(${name})`;
  };
}

export function expand(input: string, mapping: Mapping): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1]!;
    let advance = 1;
    if (next === '$') {
      out += '$';
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        out += '$(';
      } else {
        out += mapping(input.slice(cursor + 2, close));
        advance = close - cursor;
      }
    } else {
      out += '$' + next;
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/**
 * The container's command and args with `$(VAR)` references to its environment expanded, as the
 * kubelet does before creating the container. Absent command or args give empty lists (the
 * image's entrypoint and cmd then apply).
 */
export function expandContainerCommand(container: corev1.Container, env: ReadonlyArray<{ name: string; value: string }>): { command: string[]; args: string[] } {
  const mapping = mappingFor(new Map(env.map((e) => [e.name, e.value])));
  return {
    command: (container.command ?? []).map((c) => expand(c, mapping)),
    args: (container.args ?? []).map((a) => expand(a, mapping)),
  };
}
