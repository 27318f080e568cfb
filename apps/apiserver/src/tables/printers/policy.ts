/** PodDisruptionBudgets and PriorityClasses: how much disruption and preemption a workload takes. */
import type { policyv1, schedulingv1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { intOrString } from '../format';
import { ageColumn, column, nameColumn, printer } from '../printer';

const pdbColumns = [
  nameColumn,
  column('Min Available', 'string', 'The minimum number of pods that must be available.'),
  column('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable.'),
  column('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'),
  ageColumn,
];

export const podDisruptionBudgetPrinter = printer<policyv1.PodDisruptionBudget>(pdbColumns, (pdb, ctx) => {
  const spec = pdb.spec ?? {};
  return [
    pdb.metadata?.name ?? '',
    spec.minAvailable !== undefined ? intOrString(spec.minAvailable) : 'N/A',
    spec.maxUnavailable !== undefined ? intOrString(spec.maxUnavailable) : 'N/A',
    pdb.status?.disruptionsAllowed ?? 0,
    timestampSince(pdb.metadata?.creationTimestamp, ctx.now),
  ];
});

const priorityClassColumns = [
  nameColumn,
  column('Value', 'integer', fieldDocs.pcValue),
  column('Global-Default', 'boolean', fieldDocs.pcGlobalDefault),
  ageColumn,
  // Not a wide column: kubectl prints it by default.
  column('PreemptionPolicy', 'string', fieldDocs.pcPreemptionPolicy),
];

export const priorityClassPrinter = printer<schedulingv1.PriorityClass>(priorityClassColumns, (pc, ctx) => [
  pc.metadata?.name ?? '',
  pc.value ?? 0,
  pc.globalDefault ?? false,
  timestampSince(pc.metadata?.creationTimestamp, ctx.now),
  pc.preemptionPolicy ?? '',
]);
