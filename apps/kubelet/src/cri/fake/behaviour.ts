/**
 * How a pod tells the fake runtime what its simulated containers do. Hollow kubelets run real
 * pod specs, so the knobs ride on what a pod spec can carry: a container's environment, or the
 * pod's annotations (which the kubelet hands to the sandbox).
 */

/** Container environment variables the fake runtime reads. */
export const FakeEnv = {
  /** Exit with this code on its own (after FAKE_EXIT_AFTER_MS, at once without it). */
  ExitCode: 'TSKUBE_FAKE_EXIT_CODE',
  /** Milliseconds after start at which the container exits on its own (code 0 without FAKE_EXIT_CODE). */
  ExitAfterMs: 'TSKUBE_FAKE_EXIT_AFTER_MS',
  /** "true": the stop signal is ignored, so a stop waits out its timeout and kills (exit 137). */
  IgnoreSigterm: 'TSKUBE_FAKE_IGNORE_SIGTERM',
  /** Text the container writes to stdout when it starts. */
  Stdout: 'TSKUBE_FAKE_STDOUT',
  /** Text the container writes to stderr when it starts. */
  Stderr: 'TSKUBE_FAKE_STDERR',
  /** Written to the container's termination message file when it exits. */
  TerminationMessage: 'TSKUBE_FAKE_TERMINATION_MESSAGE',
} as const;
export type FakeEnv = (typeof FakeEnv)[keyof typeof FakeEnv];

/**
 * Pod annotation `fake.tskube.io/exit-<container>`: `<code>` (exit at once after starting) or
 * `<code>@<ms>` (exit that many ms after starting). The environment wins when both are set.
 */
export const FAKE_EXIT_ANNOTATION_PREFIX = 'fake.tskube.io/exit-';

/** The simulated life of one container. */
export interface ContainerBehaviour {
  /** Exits on its own: with `code`, `afterMs` after starting. */
  exit?: { code: number; afterMs: number };
  ignoreSigterm: boolean;
  stdout: string;
  stderr: string;
  terminationMessage?: string;
}

const intPattern = /^\d+$/;

/**
 * Reads a container's behaviour from its CRI environment and its sandbox's annotations. Values
 * that do not parse are ignored (the container then just runs), so a typo never breaks a pod.
 */
export function behaviourOf(containerName: string, env: readonly { key: string; value: string }[], sandboxAnnotations: Record<string, string>): ContainerBehaviour {
  let code: number | undefined;
  let afterMs: number | undefined;
  const out: ContainerBehaviour = { ignoreSigterm: false, stdout: '', stderr: '' };
  const annotation = sandboxAnnotations[`${FAKE_EXIT_ANNOTATION_PREFIX}${containerName}`];
  if (annotation !== undefined) {
    const [c, ms] = annotation.trim().split('@');
    if (c !== undefined && intPattern.test(c) && Number(c) <= 255) code = Number(c);
    if (code !== undefined && ms !== undefined && intPattern.test(ms)) afterMs = Number(ms);
  }
  for (const { key, value } of env) {
    switch (key) {
      case FakeEnv.ExitCode:
        if (intPattern.test(value) && Number(value) <= 255) code = Number(value);
        break;
      case FakeEnv.ExitAfterMs:
        if (intPattern.test(value)) afterMs = Number(value);
        break;
      case FakeEnv.IgnoreSigterm:
        out.ignoreSigterm = value === 'true';
        break;
      case FakeEnv.Stdout:
        out.stdout = value;
        break;
      case FakeEnv.Stderr:
        out.stderr = value;
        break;
      case FakeEnv.TerminationMessage:
        out.terminationMessage = value;
        break;
      default:
    }
  }
  if (code !== undefined || afterMs !== undefined) out.exit = { code: code ?? 0, afterMs: afterMs ?? 0 };
  return out;
}
