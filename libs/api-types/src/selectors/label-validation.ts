/**
 * The label key and value rules selectors enforce are validation's own: one implementation of
 * Kubernetes' name rules and messages, re-exported under the names the selector code uses.
 */
export {
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  LABEL_VALUE_MAX_LENGTH,
  isDNS1123Subdomain,
  isQualifiedName as isLabelKey,
  isValidLabelValue as isLabelValue,
} from '../validation/name';
