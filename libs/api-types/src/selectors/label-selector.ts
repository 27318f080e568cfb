import type { LabelSelector as MetaLabelSelector } from 'kubernetes-types/meta/v1';
import { SelectorError, SelectorKind } from './errors';
import { compareGoStrings, goQuote } from './go-strings';
import { parseLabelRequirements } from './label-parser';
import { LabelRequirement, newLabelRequirement, type LabelSet } from './label-requirement';
import { SelectionOperator } from './operator';

/**
 * A label selector (labels.Selector): requirements that must all hold. Immutable; `add` returns a new
 * selector.
 */
export interface LabelsSelector {
  /** True when every requirement holds for `labels` (undefined means no labels). Everything matches all; Nothing matches none. */
  matches(labels: LabelSet | undefined): boolean;
  /** True when the selector does not restrict anything (no requirements). Nothing is not empty. */
  empty(): boolean;
  /** True only for the selector that matches nothing (`LabelsSelector.nothing()`, a nil metav1.LabelSelector). */
  matchesNothing(): boolean;
  /** The requirements sorted by key (stable); empty for Everything and for Nothing (see `matchesNothing`). */
  requirements(): readonly LabelRequirement[];
  /** A new selector with `requirements` added and all sorted by key; Nothing stays Nothing. */
  add(...requirements: LabelRequirement[]): LabelsSelector;
  /**
   * The value the selector pins `label` to, when its first requirement on that key is `=`, `==` or `in`
   * with exactly one value; otherwise undefined.
   */
  requiresExactMatch(label: string): string | undefined;
  /** The canonical text: requirements sorted by key, joined by `,` (empty for Everything and Nothing). */
  toString(): string;
}

const byKey = (a: LabelRequirement, b: LabelRequirement): number => compareGoStrings(a.key, b.key);

class RequirementsSelector implements LabelsSelector {
  private readonly reqs: readonly LabelRequirement[];

  /** `requirements` must already be sorted by key. */
  constructor(requirements: readonly LabelRequirement[]) {
    this.reqs = Object.freeze([...requirements]);
  }

  matches(labels: LabelSet | undefined): boolean {
    return this.reqs.every((r) => r.matches(labels));
  }

  empty(): boolean {
    return this.reqs.length === 0;
  }

  matchesNothing(): boolean {
    return false;
  }

  requirements(): readonly LabelRequirement[] {
    return this.reqs;
  }

  add(...requirements: LabelRequirement[]): LabelsSelector {
    return new RequirementsSelector([...this.reqs, ...requirements].sort(byKey));
  }

  requiresExactMatch(label: string): string | undefined {
    const first = this.reqs.find((r) => r.key === label);
    if (first === undefined || first.values.length !== 1) return undefined;
    switch (first.operator) {
      case SelectionOperator.Equals:
      case SelectionOperator.DoubleEquals:
      case SelectionOperator.In:
        return first.values[0];
      default:
        return undefined;
    }
  }

  toString(): string {
    return this.reqs.map((r) => r.toString()).join(',');
  }
}

class NothingSelector implements LabelsSelector {
  matches(): boolean {
    return false;
  }

  empty(): boolean {
    return false;
  }

  matchesNothing(): boolean {
    return true;
  }

  requirements(): readonly LabelRequirement[] {
    return [];
  }

  add(): LabelsSelector {
    return this;
  }

  requiresExactMatch(): string | undefined {
    return undefined;
  }

  toString(): string {
    return '';
  }
}

const everythingSelector: LabelsSelector = new RequirementsSelector([]);
const nothingSelector: LabelsSelector = new NothingSelector();

const metaOperators: Readonly<Record<string, SelectionOperator>> = {
  In: SelectionOperator.In,
  NotIn: SelectionOperator.NotIn,
  Exists: SelectionOperator.Exists,
  DoesNotExist: SelectionOperator.DoesNotExist,
};

function fromSet(set: LabelSet | undefined, validate: boolean): LabelsSelector {
  if (set === undefined) return everythingSelector;
  const keys = Object.keys(set).sort(compareGoStrings);
  const requirements = keys.map((key) =>
    validate ? newLabelRequirement(key, SelectionOperator.Equals, [set[key]!]) : new LabelRequirement(key, SelectionOperator.Equals, [set[key]!]),
  );
  return new RequirementsSelector(requirements);
}

/** Builds label selectors; the companion of the `LabelsSelector` type. */
export const LabelsSelector = {
  /**
   * Parses the string syntax (`environment = production, tier notin (frontend, backend), !partition`),
   * as labels.Parse. The empty string selects everything. Throws `SelectorError` with Kubernetes'
   * message on invalid input.
   */
  parse(selector: string): LabelsSelector {
    return new RequirementsSelector(parseLabelRequirements(selector));
  },

  /** Matches every object, including ones without labels. */
  everything(): LabelsSelector {
    return everythingSelector;
  },

  /** Matches no object. */
  nothing(): LabelsSelector {
    return nothingSelector;
  },

  /**
   * `key=value` for each entry, unchecked (labels.SelectorFromSet): an invalid key or value just never
   * matches here and is rejected by the server. A missing or empty set gives Everything.
   */
  fromSet(set: LabelSet | undefined): LabelsSelector {
    return fromSet(set, false);
  },

  /** As `fromSet`, but throws `SelectorError` for an invalid key or value (labels.ValidatedSelectorFromSet). */
  validatedFromSet(set: LabelSet | undefined): LabelsSelector {
    return fromSet(set, true);
  },

  /**
   * Converts an API object's selector (metav1.LabelSelectorAsSelector): undefined or null matches
   * nothing, one with no matchLabels and no matchExpressions matches everything; matchLabels become `=`
   * requirements and matchExpressions use In, NotIn, Exists and DoesNotExist. Throws `SelectorError`
   * with Kubernetes' message for an unknown operator or a requirement that fails validation (In without
   * values, Exists with values, a bad key or value). matchLabels are checked in key order, so the first
   * error reported is deterministic.
   */
  fromLabelSelector(selector: MetaLabelSelector | null | undefined): LabelsSelector {
    if (selector === undefined || selector === null) return nothingSelector;
    const matchLabels = selector.matchLabels ?? {};
    const expressions = selector.matchExpressions ?? [];
    const keys = Object.keys(matchLabels).sort(compareGoStrings);
    if (keys.length + expressions.length === 0) return everythingSelector;

    const requirements = keys.map((key) => newLabelRequirement(key, SelectionOperator.Equals, [matchLabels[key]!]));
    for (const expr of expressions) {
      const operator = Object.hasOwn(metaOperators, expr.operator) ? metaOperators[expr.operator] : undefined;
      if (operator === undefined) {
        throw new SelectorError(SelectorKind.Label, `${goQuote(expr.operator)} is not a valid label selector operator`);
      }
      // Kubernetes copies the values into a nil slice, so an empty list prints as null in its messages.
      const values = expr.values !== undefined && expr.values.length > 0 ? expr.values : undefined;
      requirements.push(newLabelRequirement(expr.key, operator, values));
    }
    return new RequirementsSelector(requirements.sort(byKey));
  },
};

/** Parses a label selector string; see `LabelsSelector.parse`. */
export function parseLabelSelector(selector: string): LabelsSelector {
  return LabelsSelector.parse(selector);
}

/** Converts a metav1.LabelSelector; see `LabelsSelector.fromLabelSelector`. */
export function labelSelectorAsSelector(selector: MetaLabelSelector | null | undefined): LabelsSelector {
  return LabelsSelector.fromLabelSelector(selector);
}
