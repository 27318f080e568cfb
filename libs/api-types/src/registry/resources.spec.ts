import { describe, expect, it } from 'vitest';
import { servedGroupVersions, servedResources } from './resources';

/**
 * `kubectl api-resources -o wide` against kube-apiserver 1.33, for the groups tskube serves, with
 * every version listed (not only the preferred one). `*` stands for the eight standard verbs.
 * Columns: name | short names | apiVersion | namespaced | kind | verbs | categories.
 */
const apiResources = `
bindings                 |        | v1                           | true  | Binding                 | create                                      |
componentstatuses        | cs     | v1                           | false | ComponentStatus         | get,list                                    |
configmaps               | cm     | v1                           | true  | ConfigMap               | *                                           |
endpoints                | ep     | v1                           | true  | Endpoints               | *                                           |
events                   | ev     | v1                           | true  | Event                   | *                                           |
limitranges              | limits | v1                           | true  | LimitRange              | *                                           |
namespaces               | ns     | v1                           | false | Namespace               | create,delete,get,list,patch,update,watch   |
nodes                    | no     | v1                           | false | Node                    | *                                           |
persistentvolumeclaims   | pvc    | v1                           | true  | PersistentVolumeClaim   | *                                           |
persistentvolumes        | pv     | v1                           | false | PersistentVolume        | *                                           |
pods                     | po     | v1                           | true  | Pod                     | *                                           | all
podtemplates             |        | v1                           | true  | PodTemplate             | *                                           |
replicationcontrollers   | rc     | v1                           | true  | ReplicationController   | *                                           | all
resourcequotas           | quota  | v1                           | true  | ResourceQuota           | *                                           |
secrets                  |        | v1                           | true  | Secret                  | *                                           |
serviceaccounts          | sa     | v1                           | true  | ServiceAccount          | *                                           |
services                 | svc    | v1                           | true  | Service                 | *                                           | all
controllerrevisions      |        | apps/v1                      | true  | ControllerRevision      | *                                           |
daemonsets               | ds     | apps/v1                      | true  | DaemonSet               | *                                           | all
deployments              | deploy | apps/v1                      | true  | Deployment              | *                                           | all
replicasets              | rs     | apps/v1                      | true  | ReplicaSet              | *                                           | all
statefulsets             | sts    | apps/v1                      | true  | StatefulSet             | *                                           | all
events                   | ev     | events.k8s.io/v1             | true  | Event                   | *                                           |
horizontalpodautoscalers | hpa    | autoscaling/v2               | true  | HorizontalPodAutoscaler | *                                           | all
horizontalpodautoscalers | hpa    | autoscaling/v1               | true  | HorizontalPodAutoscaler | *                                           | all
cronjobs                 | cj     | batch/v1                     | true  | CronJob                 | *                                           | all
jobs                     |        | batch/v1                     | true  | Job                     | *                                           | all
ingressclasses           |        | networking.k8s.io/v1         | false | IngressClass            | *                                           |
ingresses                | ing    | networking.k8s.io/v1         | true  | Ingress                 | *                                           |
ipaddresses              | ip     | networking.k8s.io/v1         | false | IPAddress               | *                                           |
networkpolicies          | netpol | networking.k8s.io/v1         | true  | NetworkPolicy           | *                                           |
servicecidrs             |        | networking.k8s.io/v1         | false | ServiceCIDR             | *                                           |
poddisruptionbudgets     | pdb    | policy/v1                    | true  | PodDisruptionBudget     | *                                           |
clusterrolebindings      |        | rbac.authorization.k8s.io/v1 | false | ClusterRoleBinding      | *                                           |
clusterroles             |        | rbac.authorization.k8s.io/v1 | false | ClusterRole             | *                                           |
rolebindings             |        | rbac.authorization.k8s.io/v1 | true  | RoleBinding             | *                                           |
roles                    |        | rbac.authorization.k8s.io/v1 | true  | Role                    | *                                           |
csidrivers               |        | storage.k8s.io/v1            | false | CSIDriver               | *                                           |
csinodes                 |        | storage.k8s.io/v1            | false | CSINode                 | *                                           |
csistoragecapacities     |        | storage.k8s.io/v1            | true  | CSIStorageCapacity      | *                                           |
storageclasses           | sc     | storage.k8s.io/v1            | false | StorageClass            | *                                           |
volumeattachments        |        | storage.k8s.io/v1            | false | VolumeAttachment        | *                                           |
priorityclasses          | pc     | scheduling.k8s.io/v1         | false | PriorityClass           | *                                           |
leases                   |        | coordination.k8s.io/v1       | true  | Lease                   | *                                           |
endpointslices           |        | discovery.k8s.io/v1          | true  | EndpointSlice           | *                                           |
`;

/** Subresources as discovery lists them: resource/sub | apiVersion of the parent | kind (group/version when it differs) | verbs. */
const subresourceTable = `
namespaces/finalize               | v1                     | Namespace                       | update
namespaces/status                 | v1                     | Namespace                       | get,patch,update
nodes/proxy                       | v1                     | NodeProxyOptions                | create,delete,get,patch,update
nodes/status                      | v1                     | Node                            | get,patch,update
persistentvolumeclaims/status     | v1                     | PersistentVolumeClaim           | get,patch,update
persistentvolumes/status          | v1                     | PersistentVolume                | get,patch,update
pods/attach                       | v1                     | PodAttachOptions                | create,get
pods/binding                      | v1                     | Binding                         | create
pods/ephemeralcontainers          | v1                     | Pod                             | get,patch,update
pods/eviction                     | v1                     | policy/v1 Eviction              | create
pods/exec                         | v1                     | PodExecOptions                  | create,get
pods/log                          | v1                     | Pod                             | get
pods/portforward                  | v1                     | PodPortForwardOptions           | create,get
pods/proxy                        | v1                     | PodProxyOptions                 | create,delete,get,patch,update
pods/resize                       | v1                     | Pod                             | get,patch,update
pods/status                       | v1                     | Pod                             | get,patch,update
replicationcontrollers/scale      | v1                     | autoscaling/v1 Scale            | get,patch,update
replicationcontrollers/status     | v1                     | ReplicationController           | get,patch,update
resourcequotas/status             | v1                     | ResourceQuota                   | get,patch,update
serviceaccounts/token             | v1                     | authentication.k8s.io/v1 TokenRequest | create
services/proxy                    | v1                     | ServiceProxyOptions             | create,delete,get,patch,update
services/status                   | v1                     | Service                         | get,patch,update
daemonsets/status                 | apps/v1                | DaemonSet                       | get,patch,update
deployments/scale                 | apps/v1                | autoscaling/v1 Scale            | get,patch,update
deployments/status                | apps/v1                | Deployment                      | get,patch,update
replicasets/scale                 | apps/v1                | autoscaling/v1 Scale            | get,patch,update
replicasets/status                | apps/v1                | ReplicaSet                      | get,patch,update
statefulsets/scale                | apps/v1                | autoscaling/v1 Scale            | get,patch,update
statefulsets/status               | apps/v1                | StatefulSet                     | get,patch,update
horizontalpodautoscalers/status   | autoscaling/v2         | HorizontalPodAutoscaler         | get,patch,update
horizontalpodautoscalers/status   | autoscaling/v1         | HorizontalPodAutoscaler         | get,patch,update
cronjobs/status                   | batch/v1               | CronJob                         | get,patch,update
jobs/status                       | batch/v1               | Job                             | get,patch,update
ingresses/status                  | networking.k8s.io/v1   | Ingress                         | get,patch,update
servicecidrs/status               | networking.k8s.io/v1   | ServiceCIDR                     | get,patch,update
poddisruptionbudgets/status       | policy/v1              | PodDisruptionBudget             | get,patch,update
volumeattachments/status          | storage.k8s.io/v1      | VolumeAttachment                | get,patch,update
`;

/** storageVersionHash values a real kube-apiserver publishes in discovery. */
const publishedHashes: Array<[string, string]> = [
  ['v1/configmaps', 'qFsyl6wFWjQ='],
  ['v1/endpoints', 'fWeeMqaN/OA='],
  ['v1/events', 'r2yiGXH7wu8='],
  ['v1/limitranges', 'EBKMFVe6cwo='],
  ['v1/namespaces', 'Q3oi5N2YM8M='],
  ['v1/nodes', 'XwShjMxG9Fs='],
  ['v1/persistentvolumeclaims', 'QWTyNDq0dC4='],
  ['v1/persistentvolumes', 'HN/zwEC+JgM='],
  ['v1/pods', 'xPOwRZ+Yhw8='],
  ['v1/podtemplates', 'LIXB2x4IFpk='],
  ['v1/replicationcontrollers', 'Jond2If31h0='],
  ['v1/resourcequotas', '8uhSgffRX6w='],
  ['v1/secrets', 'S6u1pOWzb84='],
  ['v1/serviceaccounts', 'pbx9ZvyFpBE='],
  ['v1/services', '0/CO1lhkEBI='],
  ['apps/v1/controllerrevisions', '85nkx63pcBU='],
  ['apps/v1/daemonsets', 'dd7pWHUlMKQ='],
  ['apps/v1/deployments', '8aSe+NMegvE='],
  ['apps/v1/replicasets', 'P1RzHs8/mWQ='],
  ['apps/v1/statefulsets', 'H+vl74LkKdo='],
  ['events.k8s.io/v1/events', 'r2yiGXH7wu8='],
  ['autoscaling/v1/horizontalpodautoscalers', 'qwQve8ut294='],
  ['autoscaling/v2/horizontalpodautoscalers', 'qwQve8ut294='],
  ['batch/v1/cronjobs', 'sd5LIXh4Fjs='],
  ['batch/v1/jobs', 'mudhfqk/qZY='],
  ['networking.k8s.io/v1/ingressclasses', 'l/iqIbDgFyQ='],
  ['networking.k8s.io/v1/ingresses', '39NQlfNR+bo='],
  ['networking.k8s.io/v1/networkpolicies', 'YpfwF18m1G8='],
  ['policy/v1/poddisruptionbudgets', 'EVWiDmWqyJw='],
  ['storage.k8s.io/v1/csidrivers', 'hL6j/rwBV5w='],
  ['storage.k8s.io/v1/csinodes', 'Pe62DkZtjuo='],
  ['storage.k8s.io/v1/csistoragecapacities', 'xeVl+2Ly1kE='],
  ['storage.k8s.io/v1/storageclasses', 'K+m6uJwbjGY='],
  ['storage.k8s.io/v1/volumeattachments', 'tJx/ezt6UDU='],
];

const STANDARD = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const rows = (table: string) =>
  table
    .trim()
    .split('\n')
    .map((line) => line.split('|').map((cell) => cell.trim()));

const list = (cell: string | undefined) => (cell ? cell.split(',') : []);

const find = (apiVersion: string, resource: string) =>
  servedResources.find((r) => r.apiVersion === apiVersion && r.resource === resource);

describe('the table matches kube-apiserver 1.33 discovery', () => {
  const expected = rows(apiResources).map(([name, shortNames, apiVersion, namespaced, kind, verbs, categories]) => ({
    name: `${apiVersion}/${name}`,
    want: {
      resource: name!,
      shortNames: list(shortNames),
      apiVersion: apiVersion!,
      namespaced: namespaced === 'true',
      kind: kind!,
      verbs: verbs === '*' ? STANDARD : list(verbs),
      categories: list(categories),
    },
  }));

  it.each(expected)('$name', ({ want }) => {
    const r = find(want.apiVersion, want.resource);
    expect(r).toBeDefined();
    expect({
      resource: r!.resource,
      shortNames: r!.shortNames,
      apiVersion: r!.apiVersion,
      namespaced: r!.namespaced,
      kind: r!.kind,
      verbs: r!.verbs,
      categories: r!.categories,
    }).toEqual(want);
  });

  it('serves nothing beyond that list', () => {
    expect(servedResources.map((r) => `${r.apiVersion}/${r.resource}`).sort()).toEqual(expected.map((e) => e.name).sort());
  });

  const expectedSubs = rows(subresourceTable).map(([path, apiVersion, kind, verbs]) => {
    const [resource, name] = path!.split('/');
    const [qualifier, bareKind] = kind!.includes(' ') ? kind!.split(' ') : [apiVersion!, kind!];
    const slash = qualifier!.indexOf('/');
    return {
      name: `${apiVersion}/${path}`,
      apiVersion: apiVersion!,
      resource: resource!,
      want: {
        name: name!,
        group: slash < 0 ? '' : qualifier!.slice(0, slash),
        version: slash < 0 ? qualifier! : qualifier!.slice(slash + 1),
        kind: bareKind!,
        verbs: list(verbs),
      },
    };
  });

  it.each(expectedSubs)('$name', ({ apiVersion, resource, want }) => {
    const sub = find(apiVersion, resource)?.subresources.find((s) => s.name === want.name);
    expect(sub).toEqual(want);
  });

  it('has no subresources beyond that list', () => {
    const all = servedResources.flatMap((r) => r.subresources.map((s) => `${r.apiVersion}/${r.resource}/${s.name}`));
    expect(all.sort()).toEqual(expectedSubs.map((s) => s.name).sort());
  });

  it('lists subresources sorted by name', () => {
    for (const r of servedResources) {
      const names = r.subresources.map((s) => s.name);
      expect(names).toEqual([...names].sort());
    }
  });

  it.each(publishedHashes)('storageVersionHash of %s is %s', (path, hash) => {
    const r = servedResources.find((x) => `${x.apiVersion}/${x.resource}` === path);
    expect(r?.storageVersionHash).toBe(hash);
  });

  it('virtual resources have no storage', () => {
    for (const name of ['bindings', 'componentstatuses']) {
      const r = find('v1', name)!;
      expect([r.storageResource, r.storageVersionHash]).toEqual([undefined, undefined]);
    }
  });

  it('singular names are the lower-cased kinds', () => {
    for (const r of servedResources) expect(r.singular).toBe(r.kind.toLowerCase());
    expect(find('v1', 'endpoints')!.singular).toBe('endpoints');
  });

  it('list kinds append List', () => {
    expect(find('apps/v1', 'deployments')!.listKind).toBe('DeploymentList');
  });

  it('every resource belongs to a listed group version', () => {
    const listed = new Set(servedGroupVersions.flatMap((g) => g.versions.map((v) => (g.group ? `${g.group}/${v}` : v))));
    for (const r of servedResources) expect(listed.has(r.apiVersion)).toBe(true);
  });
});

describe('selectable fields', () => {
  const fields = (apiVersion: string, resource: string) => [...find(apiVersion, resource)!.selectableFields.keys()];

  it.each([
    {
      resource: 'v1/pods',
      want: [
        'metadata.name',
        'metadata.namespace',
        'spec.nodeName',
        'spec.restartPolicy',
        'spec.schedulerName',
        'spec.serviceAccountName',
        'spec.hostNetwork',
        'status.phase',
        'status.podIP',
        'status.nominatedNodeName',
      ],
    },
    {
      resource: 'v1/events',
      want: [
        'metadata.name',
        'metadata.namespace',
        'involvedObject.kind',
        'involvedObject.namespace',
        'involvedObject.name',
        'involvedObject.uid',
        'involvedObject.apiVersion',
        'involvedObject.resourceVersion',
        'involvedObject.fieldPath',
        'reason',
        'reportingComponent',
        'source',
        'type',
      ],
    },
    {
      resource: 'events.k8s.io/v1/events',
      want: [
        'metadata.name',
        'metadata.namespace',
        'regarding.kind',
        'regarding.namespace',
        'regarding.name',
        'regarding.uid',
        'regarding.apiVersion',
        'regarding.resourceVersion',
        'regarding.fieldPath',
        'reason',
        'reportingController',
        'type',
      ],
    },
    { resource: 'v1/nodes', want: ['metadata.name', 'spec.unschedulable'] },
    { resource: 'v1/namespaces', want: ['metadata.name', 'status.phase'] },
    { resource: 'v1/secrets', want: ['metadata.name', 'metadata.namespace', 'type'] },
    { resource: 'v1/services', want: ['metadata.name', 'metadata.namespace', 'spec.clusterIP', 'spec.type'] },
    { resource: 'v1/replicationcontrollers', want: ['metadata.name', 'metadata.namespace', 'status.replicas'] },
    { resource: 'apps/v1/replicasets', want: ['metadata.name', 'metadata.namespace', 'status.replicas'] },
    { resource: 'batch/v1/jobs', want: ['metadata.name', 'metadata.namespace', 'status.successful'] },
    { resource: 'v1/configmaps', want: ['metadata.name', 'metadata.namespace'] },
    { resource: 'storage.k8s.io/v1/storageclasses', want: ['metadata.name'] },
  ])('$resource', ({ resource, want }) => {
    const cut = resource.lastIndexOf('/');
    expect(fields(resource.slice(0, cut), resource.slice(cut + 1))).toEqual(want);
  });

  it('reads values from objects of the entry’s own shape', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'prod' },
      spec: { nodeName: 'n1', hostNetwork: true },
      status: { phase: 'Running', podIPs: [{ ip: '10.0.0.7' }] },
    };
    const get = (path: string) => find('v1', 'pods')!.selectableFields.get(path)!(pod);
    expect(['metadata.name', 'metadata.namespace', 'spec.nodeName', 'spec.hostNetwork', 'spec.restartPolicy', 'status.podIP'].map(get)).toEqual([
      'web',
      'prod',
      'n1',
      'true',
      '',
      '10.0.0.7',
    ]);

    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, status: { succeeded: 3 } };
    expect(find('batch/v1', 'jobs')!.selectableFields.get('status.successful')!(job)).toBe('3');

    const event = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'e' },
      regarding: { kind: 'Pod', name: 'web' },
      reportingController: 'kubelet',
    };
    const ev = find('events.k8s.io/v1', 'events')!.selectableFields;
    expect([ev.get('regarding.kind')!(event), ev.get('reportingController')!(event)]).toEqual(['Pod', 'kubelet']);
  });
});
