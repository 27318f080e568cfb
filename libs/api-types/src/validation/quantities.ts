import { type Quantity, parseQuantity } from '../quantity';

/**
 * The few quantity facts validation needs: whether a string parses, its canonical rendering
 * (what Kubernetes prints in messages: `500m`, `1Gi`), its sign, whether it is whole, and the
 * order of two quantities.
 */
export interface CheckedQuantity {
  /** Canonical form, as Kubernetes' Quantity.String() prints it. */
  readonly canonical: string;
  /** Below zero. */
  readonly negative: boolean;
  /** Exactly zero. */
  readonly zero: boolean;
  /** A whole number (no milli part), as integer resources such as `pods` require. */
  readonly integer: boolean;
  /** -1, 0 or 1 as this is less than, equal to or greater than `other`. */
  compare(other: CheckedQuantity): number;
}

class Checked implements CheckedQuantity {
  readonly canonical: string;
  readonly negative: boolean;
  readonly zero: boolean;
  readonly integer: boolean;

  constructor(readonly q: Quantity) {
    this.canonical = q.toString();
    this.negative = q.sign() < 0;
    this.zero = q.isZero();
    this.integer = q.isInteger();
  }

  compare(other: CheckedQuantity): number {
    return this.q.cmp((other as Checked).q);
  }
}

/** The parsed quantity, or Kubernetes' parse error message for a malformed string. */
export function checkQuantity(s: string): CheckedQuantity | string {
  try {
    return new Checked(parseQuantity(s));
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
