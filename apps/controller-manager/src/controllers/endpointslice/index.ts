export { endpointSliceController, maxEndpointsPerSlice } from './endpointslice-controller';
export { ControllerName, ManagedByLabel, ServiceNameLabel } from './reconciler';
