// A simulated CRI runtime with the same interfaces as CriClient, for hollow kubelets and tests.
export { DEFAULT_FAKE_POD_CIDR, FakeRuntime, KILLED_EXIT_CODE, type FakeRuntimeOptions } from './fake-runtime';
export { FAKE_EXIT_ANNOTATION_PREFIX, FakeEnv, behaviourOf, type ContainerBehaviour } from './behaviour';
export { DEFAULT_FAKE_IMAGES, FakeImageStore, formatImageReference, parseImageReference, type FakeImage, type FakeImageSeed, type ImageReference } from './images';
export { IpPool } from './ip-pool';
export { criLogLines, rfc3339Nano, type LogStream } from './log-file';
export { TimerQueue } from './timer-queue';
