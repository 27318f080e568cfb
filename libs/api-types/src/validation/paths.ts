import { type FieldError, type FieldPath, invalid } from './field';
import { FILE_MODE_ERROR_MSG } from './constants';

/** File paths and modes inside volumes and containers. */

/** An absolute path (the apiserver and nodes are assumed to be Linux). */
export function isAbsPath(p: string): boolean {
  return p.startsWith('/');
}

/** No `..` element; one error however many there are. */
export function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.split('/').includes('..') ? [invalid(path, target, "must not contain '..'")] : [];
}

/** A relative path without `..` elements: a sub path of a volume. */
export function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isAbsPath(target)) errs.push(invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** A relative path without `..` elements that also does not start with `..` (file names in projected volumes). */
export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

/** A file mode between 0 and 0777 when set. */
export function validateFileMode(mode: number | undefined, path: FieldPath): FieldError[] {
  return mode !== undefined && (mode > 0o777 || mode < 0) ? [invalid(path, mode, FILE_MODE_ERROR_MSG)] : [];
}
