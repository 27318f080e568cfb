/** Resource quota accounting shared by the quota admission and the quota controller. */
export {
  addUsage,
  formatResourceList,
  lessThanOrEqual,
  maskUsage,
  negativeResources,
  parseResourceList,
  prettyPrintResourceNames,
  prettyPrintUsage,
  removeZeros,
  subtractNonNegative,
  usageEquals,
  type Usage,
} from './resource-list';
export { computeUsage, containerRequests, isBestEffort, isNativeResource, isTerminating, podChargesCompute, podConstraints, podLimits, podRequests, podUsage, usesCrossNamespacePodAffinity } from './pods';
export {
  claimStorageClass,
  evaluatorFor,
  isQuotaIgnored,
  matchesQuotaScopes,
  objectCountEvaluator,
  objectCountResourceName,
  parseObjectCountResourceName,
  podEvaluator,
  podMatchesScope,
  pvcEvaluator,
  quotaScopeSelectors,
  resourcesForQuota,
  serviceEvaluator,
  type QuotaEvaluator,
  type QuotaOperation,
  type ScopeRequirement,
} from './evaluators';
export { calculateQuotaUsage, type NamespaceLister } from './usage';
export { QuotaRefusal, checkQuotaRequest, type QuotaCharge, type QuotaRequest } from './admission';
