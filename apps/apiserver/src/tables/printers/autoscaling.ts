/** HorizontalPodAutoscalers: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE, from either served version. */
import type { autoscalingv1, autoscalingv2 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { NONE, UNSET, quantity } from '../format';
import { ageColumn, column, nameColumn, printer, type RowContext } from '../printer';

const columns = [
  nameColumn,
  column('Reference', 'string', fieldDocs.hpaScaleTargetRef),
  column('Targets', 'string', fieldDocs.hpaMetrics),
  column('MinPods', 'string', fieldDocs.hpaMinReplicas),
  column('MaxPods', 'string', fieldDocs.hpaMaxReplicas),
  column('Replicas', 'string', fieldDocs.hpaCurrentReplicas),
  ageColumn,
];

type Hpa = autoscalingv1.HorizontalPodAutoscaler | autoscalingv2.HorizontalPodAutoscaler;

const UNKNOWN = '<unknown>';
/** A quantity behind a Go pointer: `<nil>` when absent, as (*Quantity).String prints it. */
const qty = (q: string | number | undefined): string => (q === undefined || q === null ? '<nil>' : quantity(q));

/**
 * The metrics as autoscaling/v2 states them. An autoscaling/v1 object (targetCPUUtilizationPercentage)
 * is read as the CPU utilization metric it converts to.
 */
function metricsOf(hpa: Hpa): { specs: autoscalingv2.MetricSpec[]; statuses: autoscalingv2.MetricStatus[] } {
  const v1 = hpa as autoscalingv1.HorizontalPodAutoscaler;
  const v2 = hpa as autoscalingv2.HorizontalPodAutoscaler;
  if (v2.spec?.metrics !== undefined || v1.spec?.targetCPUUtilizationPercentage === undefined) {
    return { specs: v2.spec?.metrics ?? [], statuses: v2.status?.currentMetrics ?? [] };
  }
  const current = v1.status?.currentCPUUtilizationPercentage;
  return {
    specs: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: v1.spec.targetCPUUtilizationPercentage } } }],
    statuses: current === undefined ? [] : [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: current } } }],
  };
}

/** formatHPAMetrics: `current/target` per metric (`cpu: 45%/80%`, `<unknown>` before a reading), the first two then ` + N more...`. */
export function formatHpaMetrics(specs: readonly autoscalingv2.MetricSpec[], statuses: readonly autoscalingv2.MetricStatus[]): string {
  if (specs.length === 0) return NONE;
  const list = specs.map((spec, i) => {
    const status = statuses[i];
    switch (spec.type) {
      case 'External':
      case 'Object': {
        const target = (spec.type === 'External' ? spec.external?.target : spec.object?.target) ?? { type: '' };
        const source = spec.type === 'External' ? status?.external : status?.object;
        if (target.averageValue !== undefined) {
          const current = source?.current?.averageValue !== undefined ? quantity(source.current.averageValue) : UNKNOWN;
          return `${current}/${quantity(target.averageValue)} (avg)`;
        }
        const current = source ? qty(source.current?.value) : UNKNOWN;
        return `${current}/${qty(target.value)}`;
      }
      case 'Pods': {
        const current = status?.pods ? qty(status.pods.current?.averageValue) : UNKNOWN;
        return `${current}/${qty(spec.pods?.target?.averageValue)}`;
      }
      case 'Resource':
      case 'ContainerResource': {
        const source = spec.type === 'Resource' ? spec.resource : spec.containerResource;
        const reading = spec.type === 'Resource' ? status?.resource : status?.containerResource;
        const name = source?.name ?? '';
        const target = source?.target;
        if (target?.averageValue !== undefined) {
          const current = reading ? qty(reading.current?.averageValue) : UNKNOWN;
          return `${name}: ${current}/${quantity(target.averageValue)}`;
        }
        const utilization = reading?.current?.averageUtilization;
        const current = utilization !== undefined ? `${utilization}%` : UNKNOWN;
        const goal = target?.averageUtilization !== undefined ? `${target.averageUtilization}%` : '<auto>';
        return `${name}: ${current}/${goal}`;
      }
      default:
        return '<unknown type>';
    }
  });
  const max = 2;
  if (list.length <= max) return list.join(', ');
  return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
}

function hpaRow(hpa: Hpa, ctx: RowContext): unknown[] {
  const { specs, statuses } = metricsOf(hpa);
  const ref = hpa.spec?.scaleTargetRef;
  const min = hpa.spec?.minReplicas;
  return [
    hpa.metadata?.name ?? '',
    `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
    formatHpaMetrics(specs, statuses),
    min !== undefined && min !== null ? String(min) : UNSET,
    hpa.spec?.maxReplicas ?? 0,
    hpa.status?.currentReplicas ?? 0,
    timestampSince(hpa.metadata?.creationTimestamp, ctx.now),
  ];
}

export const horizontalPodAutoscalerPrinter = printer<Hpa>(columns, hpaRow);
