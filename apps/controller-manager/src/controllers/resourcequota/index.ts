import type { Controller } from '../../framework/context';
import { newResourceQuotaController } from './resource-quota-controller';

export { DefaultChargeSettleMs, DefaultResourceQuotaSyncPeriodMs, ResourceQuotaController, newResourceQuotaController, type ResourceQuota, type ResourceQuotaControllerOptions } from './resource-quota-controller';

/** `resourcequota`: keeps ResourceQuotas' status.hard and status.used current. */
export const resourceQuotaController: Controller = newResourceQuotaController();
