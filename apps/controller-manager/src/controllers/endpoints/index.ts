export { endpointsController, EndpointsControllerName, EndpointsManagedByLabel, HeadlessServiceLabel } from './endpoints-controller';
