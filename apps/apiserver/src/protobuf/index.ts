export { decodeProtobufBody, protobufMediaType, readEnvelope, type ProtobufEnvelope } from './decode';
export { ProtobufBodyError, ProtobufBodyErrorCode, isMalformed, isUnsupported } from './errors';
export { protobufKinds } from './schema';
