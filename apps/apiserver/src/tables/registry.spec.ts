import { describe, expect, it } from 'vitest';
import { hasPrinter, printedResources, printerFor } from './registry';

/** Headers as kubectl prints them (upper-cased names), default then `-o wide` extras. */
const want: Record<string, { columns: string[]; wide?: string[] }> = {
  '/pods': { columns: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'], wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'] },
  '/podtemplates': { columns: ['NAME', 'CONTAINERS', 'IMAGES', 'POD LABELS'] },
  '/replicationcontrollers': { columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  '/services': { columns: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'], wide: ['SELECTOR'] },
  '/endpoints': { columns: ['NAME', 'ENDPOINTS', 'AGE'] },
  '/nodes': { columns: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'], wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'] },
  '/events': { columns: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], wide: ['SUBOBJECT', 'SOURCE', 'FIRST SEEN', 'COUNT', 'NAME'] },
  '/namespaces': { columns: ['NAME', 'STATUS', 'AGE'] },
  '/secrets': { columns: ['NAME', 'TYPE', 'DATA', 'AGE'] },
  '/serviceaccounts': { columns: ['NAME', 'SECRETS', 'AGE'] },
  '/persistentvolumes': {
    columns: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
    wide: ['VOLUMEMODE'],
  },
  '/persistentvolumeclaims': { columns: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'], wide: ['VOLUMEMODE'] },
  '/componentstatuses': { columns: ['NAME', 'STATUS', 'MESSAGE', 'ERROR'] },
  '/configmaps': { columns: ['NAME', 'DATA', 'AGE'] },
  '/resourcequotas': { columns: ['NAME', 'REQUEST', 'LIMIT', 'AGE'] },
  'apps/deployments': { columns: ['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  'apps/replicasets': { columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  'apps/statefulsets': { columns: ['NAME', 'READY', 'AGE'], wide: ['CONTAINERS', 'IMAGES'] },
  'apps/daemonsets': { columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  'apps/controllerrevisions': { columns: ['NAME', 'CONTROLLER', 'REVISION', 'AGE'] },
  'events.k8s.io/events': { columns: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], wide: ['SUBOBJECT', 'SOURCE', 'FIRST SEEN', 'COUNT', 'NAME'] },
  'autoscaling/horizontalpodautoscalers': { columns: ['NAME', 'REFERENCE', 'TARGETS', 'MINPODS', 'MAXPODS', 'REPLICAS', 'AGE'] },
  'batch/jobs': { columns: ['NAME', 'STATUS', 'COMPLETIONS', 'DURATION', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  'batch/cronjobs': { columns: ['NAME', 'SCHEDULE', 'TIMEZONE', 'SUSPEND', 'ACTIVE', 'LAST SCHEDULE', 'AGE'], wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'] },
  'networking.k8s.io/ingresses': { columns: ['NAME', 'CLASS', 'HOSTS', 'ADDRESS', 'PORTS', 'AGE'] },
  'networking.k8s.io/ingressclasses': { columns: ['NAME', 'CONTROLLER', 'PARAMETERS', 'AGE'] },
  'networking.k8s.io/networkpolicies': { columns: ['NAME', 'POD-SELECTOR', 'AGE'] },
  'networking.k8s.io/servicecidrs': { columns: ['NAME', 'CIDRS', 'AGE'] },
  'networking.k8s.io/ipaddresses': { columns: ['NAME', 'PARENTREF'] },
  'policy/poddisruptionbudgets': { columns: ['NAME', 'MIN AVAILABLE', 'MAX UNAVAILABLE', 'ALLOWED DISRUPTIONS', 'AGE'] },
  'rbac.authorization.k8s.io/rolebindings': { columns: ['NAME', 'ROLE', 'AGE'], wide: ['USERS', 'GROUPS', 'SERVICEACCOUNTS'] },
  'rbac.authorization.k8s.io/clusterrolebindings': { columns: ['NAME', 'ROLE', 'AGE'], wide: ['USERS', 'GROUPS', 'SERVICEACCOUNTS'] },
  'storage.k8s.io/storageclasses': { columns: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'] },
  'storage.k8s.io/csidrivers': { columns: ['NAME', 'ATTACHREQUIRED', 'PODINFOONMOUNT', 'STORAGECAPACITY', 'TOKENREQUESTS', 'REQUIRESREPUBLISH', 'MODES', 'AGE'] },
  'storage.k8s.io/csinodes': { columns: ['NAME', 'DRIVERS', 'AGE'] },
  'storage.k8s.io/csistoragecapacities': { columns: ['NAME', 'STORAGECLASSNAME', 'CAPACITY'] },
  'storage.k8s.io/volumeattachments': { columns: ['NAME', 'ATTACHER', 'PV', 'NODE', 'ATTACHED', 'AGE'] },
  'scheduling.k8s.io/priorityclasses': { columns: ['NAME', 'VALUE', 'GLOBAL-DEFAULT', 'AGE', 'PREEMPTIONPOLICY'] },
  'coordination.k8s.io/leases': { columns: ['NAME', 'HOLDER', 'AGE'] },
  'discovery.k8s.io/endpointslices': { columns: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'] },
};

const split = (key: string) => {
  const slash = key.indexOf('/');
  return { group: key.slice(0, slash), resource: key.slice(slash + 1) };
};

describe('printer registry', () => {
  it('covers exactly the resources listed here', () => {
    expect(printedResources().sort()).toEqual(Object.keys(want).sort());
  });

  it.each(Object.entries(want).map(([key, w]) => ({ key, ...w })))('$key headers', ({ key, columns, wide }) => {
    const defs = printerFor(split(key)).columns;
    expect(defs.filter((c) => c.priority === 0).map((c) => c.name.toUpperCase())).toEqual(columns);
    expect(defs.filter((c) => c.priority !== 0).map((c) => c.name.toUpperCase())).toEqual(wide ?? []);
    for (const c of defs) {
      expect(c.priority === 0 || c.priority === 1).toBe(true);
      expect(c.description).not.toBe('');
    }
  });

  it.each(Object.keys(want))('%s prints a bare object with one cell per column', (key) => {
    const printer = printerFor(split(key));
    const row = printer.row({ metadata: { name: 'bare' } }, { now: new Date('2025-01-01T00:00:00Z'), group: split(key).group });
    expect(row.cells).toHaveLength(printer.columns.length);
    for (const cell of row.cells) expect(['string', 'number', 'boolean']).toContain(typeof cell);
  });

  it('marks the name column with format "name"', () => {
    expect(printerFor({ group: '', resource: 'pods' }).columns[0]).toMatchObject({ name: 'Name', type: 'string', format: 'name', priority: 0 });
    const events = printerFor({ group: '', resource: 'events' }).columns;
    expect(events.find((c) => c.format === 'name')).toMatchObject({ name: 'Name', priority: 1 });
  });

  it.each([
    { group: 'rbac.authorization.k8s.io', resource: 'roles' },
    { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
    { group: '', resource: 'limitranges' },
    { group: 'example.com', resource: 'widgets' },
    // Same resource name, other group: not the core printer.
    { group: 'example.com', resource: 'pods' },
  ])('$group/$resource gets the default NAME / CREATED AT table', (resource) => {
    expect(hasPrinter(resource)).toBe(false);
    expect(printerFor(resource).columns.map((c) => [c.name, c.type, c.format])).toEqual([
      ['Name', 'string', 'name'],
      ['Created At', 'date', ''],
    ]);
  });
});
