/**
 * API object types as they travel on the wire, one namespace per group version
 * (`corev1.Pod`, `appsv1.Deployment`), from the `kubernetes-types` package plus what it lacks.
 */
export type * as apidiscoveryv2 from './apidiscoveryv2';
export type * as appsv1 from 'kubernetes-types/apps/v1';
export type * as authenticationv1 from 'kubernetes-types/authentication/v1';
export type * as authorizationv1 from 'kubernetes-types/authorization/v1';
export type * as autoscalingv1 from 'kubernetes-types/autoscaling/v1';
export type * as autoscalingv2 from 'kubernetes-types/autoscaling/v2';
export type * as batchv1 from 'kubernetes-types/batch/v1';
export type * as coordinationv1 from 'kubernetes-types/coordination/v1';
export type * as corev1 from './corev1';
export type * as discoveryv1 from 'kubernetes-types/discovery/v1';
export type * as eventsv1 from 'kubernetes-types/events/v1';
export type * as metav1 from './metav1';
export type * as networkingv1 from './networkingv1';
export type * as policyv1 from 'kubernetes-types/policy/v1';
export type * as rbacv1 from 'kubernetes-types/rbac/v1';
export type * as schedulingv1 from 'kubernetes-types/scheduling/v1';
export type * as storagev1 from 'kubernetes-types/storage/v1';

export type { KubeList, KubeObject } from './object';
export type { KindMap, KnownApiVersion, KnownKind, ObjectOf } from './kinds';
export {
  CauseType,
  OptimisticLockErrorMsg,
  StatusError,
  StatusReason,
  asStatusError,
  hasReason,
  newAlreadyExists,
  newApplyConflict,
  newBadRequest,
  newConflict,
  newForbidden,
  newGenerateNameConflict,
  newGone,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotAcceptable,
  newNotFound,
  newRequestEntityTooLarge,
  newResourceExpired,
  newServerTimeout,
  newServiceUnavailable,
  newTimeout,
  newTooManyRequests,
  newTooOldResourceVersion,
  newUnauthorized,
  newUnsupportedMediaType,
  qualifiedKind,
  qualifiedResource,
} from './status';
export type { FailureStatus, GroupKind, GroupResource, StatusCause, StatusDetails, StatusInit } from './status';
