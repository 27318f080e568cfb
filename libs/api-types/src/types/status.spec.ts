import { goQuote } from '../selectors/go-strings';
import { describe, expect, it } from 'vitest';
import {
  CauseType,
  StatusError,
  StatusReason,
  asStatusError,
  hasReason,
  newAlreadyExists,
  newApplyConflict,
  newBadRequest,
  newConflict,
  newForbidden,
  newGenerateNameConflict,
  newGone,
  newInternalError,
  newInvalid,
  newMethodNotSupported,
  newNotAcceptable,
  newNotFound,
  newRequestEntityTooLarge,
  newResourceExpired,
  newServerTimeout,
  newServiceUnavailable,
  newTimeout,
  newTooManyRequests,
  newTooOldResourceVersion,
  newUnauthorized,
  newUnsupportedMediaType,
  reasonForError,
} from './status';

const pods = { group: '', resource: 'pods' };
const deployments = { group: 'apps', resource: 'deployments' };

describe('constructors produce Kubernetes code, reason and message', () => {
  it.each([
    { name: 'not found, core', err: newNotFound(pods, 'foo'), code: 404, reason: 'NotFound', message: 'pods "foo" not found' },
    {
      name: 'not found, grouped',
      err: newNotFound(deployments, 'x'),
      code: 404,
      reason: 'NotFound',
      message: 'deployments.apps "x" not found',
    },
    { name: 'already exists', err: newAlreadyExists(pods, 'foo'), code: 409, reason: 'AlreadyExists', message: 'pods "foo" already exists' },
    {
      name: 'generate name conflict',
      err: newGenerateNameConflict(pods, 'web-x7k2p', 1),
      code: 409,
      reason: 'AlreadyExists',
      message: 'pods "web-x7k2p" already exists, the server was not able to generate a unique name for the object',
    },
    {
      name: 'conflict on a stale resourceVersion',
      err: newConflict(pods, 'foo'),
      code: 409,
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on pods "foo": the object has been modified; please apply your changes to the latest version and try again',
    },
    {
      name: 'conflict with a reason',
      err: newConflict(deployments, 'x', new Error('StorageError: invalid object')),
      code: 409,
      reason: 'Conflict',
      message: 'Operation cannot be fulfilled on deployments.apps "x": StorageError: invalid object',
    },
    { name: 'bad request', err: newBadRequest('the object provided is unrecognized'), code: 400, reason: 'BadRequest', message: 'the object provided is unrecognized' },
    { name: 'unauthorized', err: newUnauthorized('Unauthorized'), code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
    { name: 'unauthorized, no message', err: newUnauthorized(), code: 401, reason: 'Unauthorized', message: 'not authorized' },
    {
      name: 'forbidden, named',
      err: newForbidden(pods, 'foo', 'User "bob" cannot get resource "pods" in API group "" in the namespace "default"'),
      code: 403,
      reason: 'Forbidden',
      message: 'pods "foo" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "default"',
    },
    {
      name: 'forbidden, collection',
      err: newForbidden(deployments, '', 'User "bob" cannot list resource "deployments"'),
      code: 403,
      reason: 'Forbidden',
      message: 'deployments.apps is forbidden: User "bob" cannot list resource "deployments"',
    },
    {
      name: 'forbidden, no resource',
      err: newForbidden({ group: '', resource: '' }, '', 'User "bob" cannot get path "/metrics"'),
      code: 403,
      reason: 'Forbidden',
      message: 'forbidden: User "bob" cannot get path "/metrics"',
    },
    {
      name: 'method not supported',
      err: newMethodNotSupported({ group: '', resource: 'namespaces' }, 'deletecollection'),
      code: 405,
      reason: 'MethodNotAllowed',
      message: 'deletecollection is not supported on resources of kind "namespaces"',
    },
    { name: 'gone', err: newGone('the watch was closed'), code: 410, reason: 'Gone', message: 'the watch was closed' },
    {
      name: 'expired',
      err: newResourceExpired('The provided continue parameter is too old to display a consistent list result.'),
      code: 410,
      reason: 'Expired',
      message: 'The provided continue parameter is too old to display a consistent list result.',
    },
    {
      name: 'too old resource version',
      err: newTooOldResourceVersion(100, 250),
      code: 410,
      reason: 'Expired',
      message: 'too old resource version: 100 (250)',
    },
    {
      name: 'internal error',
      err: newInternalError(new Error('etcdserver: request timed out')),
      code: 500,
      reason: 'InternalError',
      message: 'Internal error occurred: etcdserver: request timed out',
    },
    {
      name: 'server timeout',
      err: newServerTimeout(pods, 'create', 2),
      code: 500,
      reason: 'ServerTimeout',
      message: 'The create operation against pods could not be completed at this time, please try again.',
    },
    {
      name: 'timeout',
      err: newTimeout('request did not complete within requested timeout - context deadline exceeded', 0),
      code: 504,
      reason: 'Timeout',
      message: 'Timeout: request did not complete within requested timeout - context deadline exceeded',
    },
    {
      name: 'too many requests',
      err: newTooManyRequests('The server has received too many requests and has asked us to try again later', 1),
      code: 429,
      reason: 'TooManyRequests',
      message: 'The server has received too many requests and has asked us to try again later',
    },
    {
      name: 'request entity too large',
      err: newRequestEntityTooLarge('limit is 3145728'),
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: 'Request entity too large: limit is 3145728',
    },
    { name: 'service unavailable', err: newServiceUnavailable('etcd is down'), code: 503, reason: 'ServiceUnavailable', message: 'etcd is down' },
    {
      name: 'unsupported media type',
      err: newUnsupportedMediaType(['application/json', 'application/yaml']),
      code: 415,
      reason: 'UnsupportedMediaType',
      message: 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml',
    },
    {
      name: 'not acceptable',
      err: newNotAcceptable(['application/json', 'application/yaml']),
      code: 406,
      reason: 'NotAcceptable',
      message: 'only the following media types are accepted: application/json, application/yaml',
    },
  ])('$name', ({ err, code, reason, message }) => {
    expect(err).toBeInstanceOf(StatusError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.reason).toBe(reason);
    expect(err.message).toBe(message);
    expect(err.name).toBe('StatusError');
  });
});

describe('newInvalid', () => {
  const deployment = { group: 'apps', kind: 'Deployment' };
  const replicas = { reason: CauseType.FieldValueInvalid, message: 'Invalid value: -1: must be greater than or equal to 0', field: 'spec.replicas' };
  const image = { reason: CauseType.FieldValueRequired, message: 'Required value', field: 'spec.template.spec.containers[0].image' };

  it.each([
    { name: 'no causes', kind: { group: '', kind: 'Pod' }, causes: [], want: 'Pod "foo" is invalid' },
    {
      name: 'one cause, bare',
      kind: deployment,
      causes: [replicas],
      want: 'Deployment.apps "foo" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    },
    {
      name: 'several causes, bracketed',
      kind: { group: '', kind: 'Pod' },
      causes: [
        { reason: CauseType.FieldValueRequired, message: 'Required value', field: 'spec.containers[0].name' },
        { reason: CauseType.FieldValueRequired, message: 'Required value', field: 'spec.containers[0].image' },
      ],
      want: 'Pod "foo" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]',
    },
    {
      name: 'duplicates dropped from the message',
      kind: deployment,
      causes: [replicas, image, replicas],
      want: 'Deployment.apps "foo" is invalid: [spec.replicas: Invalid value: -1: must be greater than or equal to 0, spec.template.spec.containers[0].image: Required value]',
    },
    {
      name: 'duplicates of a single error stay bare',
      kind: deployment,
      causes: [image, image],
      want: 'Deployment.apps "foo" is invalid: spec.template.spec.containers[0].image: Required value',
    },
  ])('$name', ({ kind, causes, want }) => {
    const err = newInvalid(kind, 'foo', causes);
    expect(err.code).toBe(422);
    expect(err.reason).toBe(StatusReason.Invalid);
    expect(err.message).toBe(want);
    expect(err.details?.causes).toEqual(causes);
  });
});

describe('toStatus', () => {
  it('writes NotFound as the apiserver does, empty group left out', () => {
    expect(JSON.stringify(newNotFound(pods, 'foo').toStatus())).toBe(
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"foo\\" not found","reason":"NotFound","details":{"name":"foo","kind":"pods"},"code":404}',
    );
  });

  it('writes the group of a grouped resource', () => {
    expect(newAlreadyExists(deployments, 'x').toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'deployments.apps "x" already exists',
      reason: 'AlreadyExists',
      details: { name: 'x', group: 'apps', kind: 'deployments' },
      code: 409,
    });
  });

  it('writes Invalid causes with reason, message and field', () => {
    const status = newInvalid({ group: '', kind: 'Pod' }, 'foo', [
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' },
    ]).toStatus();
    expect(status.details).toEqual({
      name: 'foo',
      kind: 'Pod',
      causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers' }],
    });
    expect(status.code).toBe(422);
  });

  it('writes the internal error text as the one cause', () => {
    expect(newInternalError('boom').toStatus().details).toEqual({ causes: [{ message: 'boom' }] });
  });

  it('keeps retryAfterSeconds and drops a zero one', () => {
    expect(newTooManyRequests('slow down', 3).toStatus().details).toEqual({ retryAfterSeconds: 3 });
    expect(newTimeout('too slow').toStatus().details).toEqual({});
  });

  it('leaves details out for reasons without them', () => {
    const status = newBadRequest('nope').toStatus();
    expect('details' in status).toBe(false);
    expect(Object.keys(status)).toEqual(['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'code']);
  });

  it('returns a fresh object each call', () => {
    const err = newNotFound(pods, 'foo');
    const a = err.toStatus();
    a.details!.name = 'changed';
    expect(err.toStatus().details!.name).toBe('foo');
  });
});

describe('StatusError', () => {
  it('is recognised across module copies through the registered symbol', () => {
    const foreign = Object.assign(Object.create(Error.prototype) as object, { [Symbol.for('tskube.StatusError')]: true });
    expect(foreign instanceof StatusError).toBe(true);
    expect(new Error('x') instanceof StatusError).toBe(false);
    expect((null as unknown) instanceof StatusError).toBe(false);
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('disk full');
    expect(newInternalError(cause).cause).toBe(cause);
    expect(new StatusError({ code: 400, reason: 'BadRequest', message: 'x' }, { cause }).cause).toBe(cause);
  });

  it('round-trips through fromStatus', () => {
    const original = newConflict(deployments, 'x');
    const back = StatusError.fromStatus(JSON.parse(JSON.stringify(original.toStatus())) as object);
    expect(back.toStatus()).toEqual(original.toStatus());
  });

  it('fromStatus defaults a bare status to 500 with an unknown reason', () => {
    const err = StatusError.fromStatus({ message: 'huh' });
    expect([err.code, err.reason, err.message]).toEqual([500, '', 'huh']);
  });

  it('reasonForError and hasReason read only StatusErrors', () => {
    expect(reasonForError(newNotFound(pods, 'a'))).toBe('NotFound');
    expect(reasonForError(new Error('x'))).toBe('');
    expect(hasReason(newNotFound(pods, 'a'), StatusReason.NotFound)).toBe(true);
    expect(hasReason(newNotFound(pods, 'a'), StatusReason.Conflict)).toBe(false);
    expect(hasReason('NotFound', StatusReason.NotFound)).toBe(false);
  });

  it('asStatusError passes StatusErrors through and wraps anything else as a 500', () => {
    const notFound = newNotFound(pods, 'a');
    expect(asStatusError(notFound)).toBe(notFound);
    const wrapped = asStatusError(new TypeError('x is undefined'));
    expect([wrapped.code, wrapped.reason, wrapped.message]).toEqual([500, 'InternalError', 'Internal error occurred: x is undefined']);
  });
});

describe('goQuote', () => {
  it.each([
    { input: 'foo', want: '"foo"' },
    { input: '', want: '""' },
    { input: 'a"b\\c', want: '"a\\"b\\\\c"' },
    { input: 'tab\there\nnl', want: '"tab\\there\\nnl"' },
    { input: '\x00\x1b\x7f', want: '"\\x00\\x1b\\x7f"' },
    { input: 'héllo-世界', want: '"héllo-世界"' },
  ])('$input', ({ input, want }) => {
    expect(goQuote(input)).toBe(want);
  });
});

describe('messages quote names as Go does', () => {
  it('escapes quotes in names', () => {
    expect(newNotFound(pods, 'a"b').message).toBe('pods "a\\"b" not found');
  });

  it('applyConflict carries its causes', () => {
    const causes = [{ reason: CauseType.FieldManagerConflict, message: 'conflict with "kubectl"', field: '.spec.replicas' }];
    const err = newApplyConflict(causes, 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    expect(err.code).toBe(409);
    expect(err.reason).toBe('Conflict');
    expect(err.details).toEqual({ causes });
  });
});
