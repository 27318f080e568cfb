/** How a requirement relates a key (or field) to its values; the spellings of apimachinery's selection.Operator. */
export const SelectionOperator = {
  DoesNotExist: '!',
  Equals: '=',
  DoubleEquals: '==',
  In: 'in',
  NotEquals: '!=',
  NotIn: 'notin',
  Exists: 'exists',
  GreaterThan: 'gt',
  LessThan: 'lt',
} as const;
export type SelectionOperator = (typeof SelectionOperator)[keyof typeof SelectionOperator];

/** Operators taking values, in the order Kubernetes lists them in its messages. */
export const binaryOperators: readonly SelectionOperator[] = [
  SelectionOperator.In,
  SelectionOperator.NotIn,
  SelectionOperator.Equals,
  SelectionOperator.DoubleEquals,
  SelectionOperator.NotEquals,
  SelectionOperator.GreaterThan,
  SelectionOperator.LessThan,
];

/** Operators without values. */
export const unaryOperators: readonly SelectionOperator[] = [SelectionOperator.Exists, SelectionOperator.DoesNotExist];

const all: ReadonlySet<string> = new Set([...binaryOperators, ...unaryOperators]);

export const isSelectionOperator = (value: string): value is SelectionOperator => all.has(value);
