// Test doubles for code built on @tskube/client: a fake apiserver gRPC API and a fake clock.
// Kept out of the main entry point so production code never loads a gRPC server by accident.
export { FakeApiServer, type FakeApiServerOptions, type FakeChange, type FakeMethod } from './fake-api-server';
export { FakeClock } from './fake-clock';
