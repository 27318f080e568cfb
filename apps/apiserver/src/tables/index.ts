/**
 * Server-side printing of API objects as meta.k8s.io/v1 Tables, with the columns and cell values of
 * Kubernetes' printers (pkg/printers/internalversion) and its default table for everything else.
 */
export { buildTable, buildTableForObject, type BuildTableOptions, type ListMetaLike, type TableResource } from './table';
export { hasPrinter, printedResources } from './registry';
export { humanDuration } from './duration';
