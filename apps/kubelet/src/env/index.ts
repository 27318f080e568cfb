// A container's environment as the kubelet builds it (env, envFrom, the downward API, service
// links) and the `$(VAR)` expansion of its command and args.
export { makeEnvironment, isEnvVarName, type EnvContext, type EnvSources, type EnvVar } from './environment';
export { EnvError } from './errors';
export { expand, expandContainerCommand, mappingFor, type Mapping } from './expansion';
export { convertDownwardAPIFieldLabel, extractFieldPathAsString, formatMap, goQuote, splitSubscriptedPath } from './fieldpath';
export { containerResourceValue, findContainer, resourceFieldValue, withAllocatableLimits } from './resources';
export { envVariableName, isServiceIPSet, serviceEnvVars, visibleServices } from './service-env';
