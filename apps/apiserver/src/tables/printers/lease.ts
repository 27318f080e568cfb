/** Leases: NAME HOLDER AGE. */
import type { coordinationv1 } from '@tskube/api-types';
import { fieldDocs } from '../descriptions';
import { timestampSince } from '../duration';
import { ageColumn, column, nameColumn, printer } from '../printer';

export const leasePrinter = printer<coordinationv1.Lease>([nameColumn, column('Holder', 'string', fieldDocs.leaseHolder), ageColumn], (lease, ctx) => [
  lease.metadata?.name ?? '',
  lease.spec?.holderIdentity ?? '',
  timestampSince(lease.metadata?.creationTimestamp, ctx.now),
]);
