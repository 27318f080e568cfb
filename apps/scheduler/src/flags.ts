import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import type { LeaderElectionOptions } from './scheduler';

/** The process's settings from its command line and `--config` file. */
export interface SchedulerFlags {
  /** host:port of the apiserver's gRPC API. */
  master: string;
  /** The parsed KubeSchedulerConfiguration, or undefined for the defaults. */
  config: unknown;
  leaderElection: false | LeaderElectionOptions;
  /** Address and port of /healthz and /metrics. */
  bindAddress: string;
  securePort: number;
  /** klog-style verbosity; 4 and above logs debug lines. */
  verbosity: number;
}

const flagErrorBrand = Symbol.for('tskube.scheduler.FlagError');

/** A bad command line or configuration file; the process exits 2. */
export class FlagError extends Error {
  override readonly name = 'FlagError';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, flagErrorBrand, { value: true });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[flagErrorBrand] === true;
  }
}

const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration (`15s`, `1m30s`, `500ms`) in milliseconds; throws FlagError otherwise. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]!]!;
    matched = re.lastIndex;
  }
  if (text === '' || matched !== text.length) throw new FlagError(`invalid duration ${JSON.stringify(text)}`);
  return total;
}

function parseBool(name: string, value: string): boolean {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new FlagError(`invalid boolean ${JSON.stringify(value)} for --${name}`);
}

/**
 * Reads kube-scheduler's flags. `--config` names a KubeSchedulerConfiguration file (YAML or JSON),
 * read with `readFile`; its `leaderElection` section applies unless the matching
 * `--leader-elect*` flag is given. Throws FlagError for anything malformed.
 */
export function parseSchedulerFlags(argv: string[], readFile: (path: string) => string): SchedulerFlags {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        master: { type: 'string' },
        config: { type: 'string' },
        'leader-elect': { type: 'string' },
        'leader-elect-lease-duration': { type: 'string' },
        'leader-elect-renew-deadline': { type: 'string' },
        'leader-elect-retry-period': { type: 'string' },
        'leader-elect-resource-namespace': { type: 'string' },
        'leader-elect-resource-name': { type: 'string' },
        'bind-address': { type: 'string' },
        'secure-port': { type: 'string' },
        v: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new FlagError((err as Error).message, { cause: err });
  }

  let config: unknown;
  if (values.config !== undefined) {
    let text: string;
    try {
      text = readFile(values.config);
    } catch (err) {
      throw new FlagError(`reading --config ${values.config}: ${(err as Error).message}`, { cause: err });
    }
    try {
      // YAML is a superset of JSON, so one parser reads both.
      config = parseYaml(text) ?? {};
    } catch (err) {
      throw new FlagError(`parsing --config ${values.config}: ${(err as Error).message}`, { cause: err });
    }
  }

  const fromConfig = (typeof config === 'object' && config !== null ? (config as { leaderElection?: Record<string, unknown> }).leaderElection : undefined) ?? {};
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const electFlag = values['leader-elect'];
  const elect = electFlag !== undefined ? parseBool('leader-elect', electFlag) : typeof fromConfig['leaderElect'] === 'boolean' ? fromConfig['leaderElect'] : true;
  let leaderElection: false | LeaderElectionOptions = false;
  if (elect) {
    const le: LeaderElectionOptions = {};
    const duration = values['leader-elect-lease-duration'] ?? str(fromConfig['leaseDuration']);
    const renew = values['leader-elect-renew-deadline'] ?? str(fromConfig['renewDeadline']);
    const retry = values['leader-elect-retry-period'] ?? str(fromConfig['retryPeriod']);
    const namespace = values['leader-elect-resource-namespace'] ?? str(fromConfig['resourceNamespace']);
    const name = values['leader-elect-resource-name'] ?? str(fromConfig['resourceName']);
    if (duration !== undefined) le.leaseDurationMs = parseDuration(duration);
    if (renew !== undefined) le.renewDeadlineMs = parseDuration(renew);
    if (retry !== undefined) le.retryPeriodMs = parseDuration(retry);
    if (namespace) le.namespace = namespace;
    if (name) le.name = name;
    leaderElection = le;
  }

  const securePort = Number(values['secure-port'] ?? '10259');
  if (!Number.isInteger(securePort) || securePort < 0 || securePort > 65535) throw new FlagError(`invalid --secure-port ${JSON.stringify(values['secure-port'])}`);
  const verbosity = Number(values.v ?? '0');
  if (!Number.isInteger(verbosity) || verbosity < 0) throw new FlagError(`invalid -v ${JSON.stringify(values.v)}`);
  return {
    master: values.master ?? '127.0.0.1:6444',
    config,
    leaderElection,
    bindAddress: values['bind-address'] ?? '127.0.0.1',
    securePort,
    verbosity,
  };
}
