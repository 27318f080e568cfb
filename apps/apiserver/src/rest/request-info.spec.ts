import { describe, expect, it } from 'vitest';
import { parseRequestInfo } from './request-info';

describe('parseRequestInfo', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', false, { verb: 'list', namespace: 'default', resource: 'pods', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods', true, { verb: 'watch', namespace: 'default', resource: 'pods' }],
    ['GET', '/api/v1/pods', false, { verb: 'list', namespace: '', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods/web', false, { verb: 'get', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods/web', true, { verb: 'watch', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods/web/log', false, { verb: 'get', name: 'web', subresource: 'log' }],
    ['POST', '/api/v1/namespaces/default/pods/web/binding', false, { verb: 'create', subresource: 'binding' }],
    ['PUT', '/apis/apps/v1/namespaces/ns1/deployments/d/status', false, { verb: 'update', group: 'apps', version: 'v1', subresource: 'status' }],
    ['PATCH', '/apis/apps/v1/namespaces/ns1/deployments/d/scale', false, { verb: 'patch', resource: 'deployments', subresource: 'scale' }],
    ['DELETE', '/api/v1/namespaces/default/pods', false, { verb: 'deletecollection' }],
    ['DELETE', '/api/v1/namespaces/default/pods/x', false, { verb: 'delete', name: 'x' }],
    ['GET', '/api/v1/namespaces', false, { verb: 'list', resource: 'namespaces', namespace: '' }],
    ['GET', '/api/v1/namespaces/kube-system', false, { verb: 'get', resource: 'namespaces', name: 'kube-system', namespace: 'kube-system' }],
    ['PUT', '/api/v1/namespaces/gone/finalize', false, { verb: 'update', resource: 'namespaces', name: 'gone', subresource: 'finalize' }],
    ['GET', '/api/v1/nodes/n1', false, { verb: 'get', resource: 'nodes', name: 'n1', namespace: '' }],
    ['GET', '/api/v1/watch/namespaces/default/pods', false, { verb: 'watch', resource: 'pods', namespace: 'default' }],
    ['GET', '/api/v1/namespaces/default/services/web:80/proxy/a/b', false, { name: 'web:80', subresource: 'proxy/a/b' }],
  ] as const)('%s %s (watch=%s)', (method, path, watch, want) => {
    const info = parseRequestInfo(method, path, watch);
    expect(info.isResourceRequest).toBe(true);
    expect(info).toMatchObject(want);
  });

  it.each(['/api', '/api/v1', '/apis', '/apis/apps', '/apis/apps/v1', '/version', '/openapi/v3', '/healthz'])(
    '%s is not a resource request',
    (path) => {
      expect(parseRequestInfo('GET', path, false).isResourceRequest).toBe(false);
    },
  );
});
