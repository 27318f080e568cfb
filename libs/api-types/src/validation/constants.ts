/** Limits and messages several validation files share, as Kubernetes spells them. */

export const MAX_INT32 = 2147483647;
export const IS_NOT_POSITIVE_ERROR_MSG = 'must be greater than zero';
export const IS_NOT_INTEGER_ERROR_MSG = 'must be an integer';
export const FILE_MODE_ERROR_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
