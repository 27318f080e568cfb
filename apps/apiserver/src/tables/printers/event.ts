/**
 * Events: LAST SEEN TYPE REASON OBJECT MESSAGE | SUBOBJECT SOURCE FIRST SEEN COUNT NAME (printEvent).
 * kube-apiserver serves core/v1 and events.k8s.io/v1 events from one storage and prints both the
 * same, so an events.k8s.io object is read through its renamed fields.
 */
import type { corev1, eventsv1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { parseTime, timestampSince } from '../duration';
import { column, printer, wide, type RowContext } from '../printer';

const columns = [
  column('Last Seen', 'string', fieldDocs.eventLastTimestamp),
  column('Type', 'string', fieldDocs.eventType),
  column('Reason', 'string', fieldDocs.eventReason),
  column('Object', 'string', fieldDocs.eventInvolvedObject),
  wide('Subobject', 'string', fieldDocs.objectRefFieldPath),
  wide('Source', 'string', fieldDocs.eventSource),
  column('Message', 'string', fieldDocs.eventMessage),
  wide('First Seen', 'string', fieldDocs.eventFirstTimestamp),
  wide('Count', 'string', fieldDocs.eventCount),
  column('Name', 'string', fieldDocs.name, { format: 'name', priority: 1 }),
];

/** The fields the printer reads, whichever group the event came from. */
interface EventView {
  name: string;
  type: string;
  reason: string;
  message: string;
  involved: corev1.ObjectReference;
  source: corev1.EventSource;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  count?: number;
  series?: { count?: number; lastObservedTime?: string };
  reportingController: string;
  reportingInstance: string;
}

function viewCore(e: corev1.Event): EventView {
  return {
    name: e.metadata?.name ?? '',
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.message ?? '',
    involved: e.involvedObject ?? {},
    source: e.source ?? {},
    firstTimestamp: e.firstTimestamp,
    lastTimestamp: e.lastTimestamp,
    eventTime: e.eventTime,
    count: e.count,
    series: e.series,
    reportingController: e.reportingComponent ?? '',
    reportingInstance: e.reportingInstance ?? '',
  };
}

function viewEvents(e: eventsv1.Event): EventView {
  return {
    name: e.metadata?.name ?? '',
    type: e.type ?? '',
    reason: e.reason ?? '',
    message: e.note ?? '',
    involved: e.regarding ?? {},
    source: e.deprecatedSource ?? {},
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    eventTime: e.eventTime,
    count: e.deprecatedCount,
    series: e.series,
    reportingController: e.reportingController ?? '',
    reportingInstance: e.reportingInstance ?? '',
  };
}

/** formatEventSource: component (or reporting controller), then `, host` (or reporting instance) when known. */
export function eventSource(source: corev1.EventSource, reportingController: string, reportingInstance: string): string {
  const component = source.component || reportingController;
  const instance = source.host || reportingInstance;
  return instance ? `${component}, ${instance}` : component;
}

function eventRow(obj: corev1.Event | eventsv1.Event, ctx: RowContext): unknown[] {
  const e = ctx.group === 'events.k8s.io' ? viewEvents(obj as eventsv1.Event) : viewCore(obj as corev1.Event);
  const firstSeen = timestampSince(parseTime(e.firstTimestamp) !== undefined ? e.firstTimestamp : e.eventTime, ctx.now);
  let lastSeen = parseTime(e.lastTimestamp) !== undefined ? timestampSince(e.lastTimestamp, ctx.now) : firstSeen;
  let count = e.count ?? 0;
  if (e.series) {
    lastSeen = timestampSince(e.series.lastObservedTime, ctx.now);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events of the newer API carry no count.
    count = 1;
  }
  const kind = (e.involved.kind ?? '').toLowerCase();
  const target = e.involved.name ? `${kind}/${e.involved.name}` : kind;
  return [lastSeen, e.type, e.reason, target, e.involved.fieldPath ?? '', eventSource(e.source, e.reportingController, e.reportingInstance), e.message.trim(), firstSeen, count, e.name];
}

export const eventPrinter = printer<corev1.Event | eventsv1.Event>(columns, eventRow);
