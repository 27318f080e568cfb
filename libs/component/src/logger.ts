/**
 * Structured logging: one JSON object per line, so `.cluster/logs/*.log` can be grepped and
 * parsed alike. Levels follow klog's verbosity idea reduced to four names.
 */
export const LogLevel = { Debug: 'debug', Info: 'info', Warn: 'warn', Error: 'error' } as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line; the parent is unchanged. */
  with(fields: LogFields): Logger;
}

export interface LoggerOptions {
  component: string;
  level?: LogLevel;
  /** Where lines go; defaults to stderr, as Kubernetes components log. */
  write?: (line: string) => void;
  now?: () => Date;
}

function serialise(value: unknown): unknown {
  if (value instanceof Error) {
    const out: Record<string, unknown> = { name: value.name, message: value.message };
    if (value.cause !== undefined) out['cause'] = serialise(value.cause);
    return out;
  }
  return value;
}

export function createLogger(options: LoggerOptions): Logger {
  const min = rank[options.level ?? LogLevel.Info];
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const now = options.now ?? (() => new Date());

  const make = (base: LogFields): Logger => {
    const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
      if (rank[level] < min) return;
      const record: LogFields = { ts: now().toISOString(), level, component: options.component, msg, ...base };
      if (fields) for (const [k, v] of Object.entries(fields)) record[k] = serialise(v);
      write(JSON.stringify(record) + '\n');
    };
    return {
      debug: (m, f) => emit(LogLevel.Debug, m, f),
      info: (m, f) => emit(LogLevel.Info, m, f),
      warn: (m, f) => emit(LogLevel.Warn, m, f),
      error: (m, f) => emit(LogLevel.Error, m, f),
      with: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}
