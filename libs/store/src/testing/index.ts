export { describeStoreConformance, take, type StoreUnderTest } from './conformance';
