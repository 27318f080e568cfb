export { nodeIpamController, rangeAllocatorConfig, type RangeAllocatorConfig } from './range-allocator';
export { CidrRangeExhaustedError, CidrSet } from './cidr-set';
