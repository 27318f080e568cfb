/**
 * The table kube-apiserver gives resources without a printer of their own (Roles, ClusterRoles,
 * LimitRanges, custom resources without printer columns): NAME and CREATED AT
 * (rest.NewDefaultTableConvertor).
 */
import { fieldDocs } from '../descriptions';
import { parseTime } from '../duration';
import { column, nameColumn, printer } from '../printer';

/** Go's zero time as time.RFC3339 prints it, for an object without a creationTimestamp. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** creationTimestamp as Go's time.RFC3339 layout prints it in UTC: whole seconds, `Z`. */
export function rfc3339(timestamp: string | null | undefined): string {
  const ms = parseTime(timestamp);
  if (ms === undefined) return ZERO_TIME;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const defaultPrinter = printer<{ metadata?: { name?: string; creationTimestamp?: string } }>(
  [nameColumn, column('Created At', 'date', fieldDocs.creationTimestamp)],
  (obj) => [obj.metadata?.name ?? '', rfc3339(obj.metadata?.creationTimestamp)],
);
