export { SelectionOperator } from './operator';
export { SelectorError, SelectorKind, isSelectorError } from './errors';
export type { SelectorFieldError } from './field-errors';
export { LabelRequirement, newLabelRequirement, type LabelSet } from './label-requirement';
export { parseLabelRequirements } from './label-parser';
export { LabelsSelector, parseLabelSelector, labelSelectorAsSelector } from './label-selector';
export {
  FieldsSelector,
  parseFieldSelector,
  escapeFieldValue,
  unescapeFieldValue,
  type FieldSet,
  type FieldRequirement,
  type FieldTransform,
} from './field-selector';
export { defaultFieldSet, defaultFieldLabelConversion, DefaultSelectableFields, type ObjectWithMetadata } from './object-fields';
