/** Orders strings by code unit, as Go compares strings byte by byte for ASCII names. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
