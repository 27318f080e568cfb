import type { DaemonSet, Deployment, DeploymentSpec, StatefulSet } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import {
  validateControllerRevision,
  validateDaemonSet,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './apps';

const s = (errs: { toString(): string }[]) => errs.map(String);

/** A defaulted pod template labelled app=web. */
function template(over: Partial<NonNullable<PodTemplateSpec['spec']>> = {}, labels: Record<string, string> = { app: 'web' }): PodTemplateSpec {
  return {
    metadata: { labels },
    spec: {
      containers: [
        { name: 'web', image: 'nginx', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} },
      ],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
      ...over,
    },
  };
}

/** A defaulted Deployment. */
function deployment(spec: Partial<DeploymentSpec> = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      ...spec,
    },
  };
}

describe('validateDeployment', () => {
  it('accepts a defaulted deployment', () => {
    expect(validateDeployment(deployment())).toEqual([]);
  });

  it.each<[string, Deployment, string[]]>([
    [
      'no selector',
      deployment({ selector: undefined as never }),
      ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    ['an empty selector', deployment({ selector: {} }), ['spec.selector: Invalid value: {}: empty selector is invalid for deployment']],
    [
      'a selector that does not match the template',
      deployment({ selector: { matchLabels: { app: 'api' } } }),
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      'a selector with an unknown operator',
      deployment({ selector: { matchExpressions: [{ key: 'app', operator: 'Like', values: ['web'] }] } }),
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Like": not a valid selector operator',
        'spec.selector: Invalid value: {"matchExpressions":[{"key":"app","operator":"Like","values":["web"]}]}: invalid label selector',
      ],
    ],
    ['negative replicas', deployment({ replicas: -1 }), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
    [
      'a template without image',
      deployment({ template: template({ containers: [{ name: 'web', imagePullPolicy: 'Always', terminationMessagePolicy: 'File' }] }) }),
      ['spec.template.spec.containers[0].image: Required value'],
    ],
    ['a template without containers', deployment({ template: template({ containers: [] }) }), ['spec.template.spec.containers: Required value']],
    [
      'a template with restartPolicy Never',
      deployment({ template: template({ restartPolicy: 'Never' }) }),
      ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
    ],
    [
      'a template with activeDeadlineSeconds',
      deployment({ template: template({ activeDeadlineSeconds: 10 }) }),
      ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported'],
    ],
    [
      'maxUnavailable and maxSurge both 0',
      deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } } }),
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'],
    ],
    [
      'a bad percentage and more than 100%',
      deployment({ strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '110%', maxSurge: '5' } } }),
      [
        "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"5\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
        'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "110%": must not be greater than 100%',
      ],
    ],
    [
      'rollingUpdate with Recreate',
      deployment({ strategy: { type: 'Recreate', rollingUpdate: {} } }),
      ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
    ],
    [
      'an unknown strategy',
      deployment({ strategy: { type: 'BlueGreen' } }),
      ['spec.strategy: Unsupported value: {"type":"BlueGreen"}: supported values: "Recreate", "RollingUpdate"'],
    ],
    [
      'a progress deadline not above minReadySeconds',
      deployment({ minReadySeconds: 600 }),
      ['spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds'],
    ],
  ])('reports %s', (_name, d, want) => {
    expect(s(validateDeployment(d))).toEqual(want);
  });

  it('keeps the selector immutable on update', () => {
    const old = deployment();
    const next = deployment({ selector: { matchLabels: { app: 'web', tier: 'fe' } }, template: template({}, { app: 'web', tier: 'fe' }) });
    expect(s(validateDeploymentUpdate(next, old))).toEqual([
      'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable',
    ]);
  });
});

describe('validateReplicaSet', () => {
  it('says "deployment" for an empty selector, as Kubernetes does', () => {
    expect(
      s(validateReplicaSet({ metadata: { name: 'rs', namespace: 'default' }, spec: { replicas: 1, selector: {}, template: template() } })),
    ).toEqual(['spec.selector: Invalid value: {}: empty selector is invalid for deployment']);
  });
});

function statefulSet(over: Partial<NonNullable<StatefulSet['spec']>> = {}): StatefulSet {
  return {
    metadata: { name: 'db', namespace: 'default', resourceVersion: '1' },
    spec: {
      replicas: 3,
      serviceName: 'db',
      selector: { matchLabels: { app: 'web' } },
      template: template({
        containers: [
          {
            name: 'db',
            image: 'postgres:16',
            imagePullPolicy: 'IfNotPresent',
            terminationMessagePolicy: 'File',
            volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }],
          },
        ],
      }),
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      podManagementPolicy: 'OrderedReady',
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      revisionHistoryLimit: 10,
      ...over,
    },
  };
}

describe('validateStatefulSet', () => {
  it('accepts mounts of claim templates', () => {
    expect(validateStatefulSet(statefulSet())).toEqual([]);
  });

  it.each<[string, StatefulSet, string[]]>([
    ['a dotted name', { ...statefulSet(), metadata: { name: 'db.main', namespace: 'default' } }, ['metadata.name: Invalid value: "db.main": must not contain dots']],
    ['no podManagementPolicy', statefulSet({ podManagementPolicy: undefined }), ['spec.podManagementPolicy: Required value']],
    [
      'an unknown podManagementPolicy',
      statefulSet({ podManagementPolicy: 'Random' }),
      ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"],
    ],
    ['an empty selector', statefulSet({ selector: {} }), ['spec.selector: Invalid value: {}: empty selector is invalid for statefulset']],
    [
      'a rolling update with maxUnavailable 0',
      statefulSet({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 0 } } }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: cannot be 0'],
    ],
  ])('reports %s', (_name, ss, want) => {
    expect(s(validateStatefulSet(ss))).toEqual(want);
  });

  it('forbids changing fields other than the mutable ones', () => {
    const old = statefulSet();
    expect(validateStatefulSetUpdate(statefulSet({ replicas: 5 }), old)).toEqual([]);
    expect(s(validateStatefulSetUpdate(statefulSet({ serviceName: 'other' }), old))).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('validateDaemonSet', () => {
  const ds = (over: Partial<NonNullable<DaemonSet['spec']>> = {}): DaemonSet => ({
    metadata: { name: 'agent', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: template(),
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
      revisionHistoryLimit: 10,
      ...over,
    },
  });

  it('accepts a defaulted daemon set', () => {
    expect(validateDaemonSet(ds())).toEqual([]);
  });

  it.each<[string, DaemonSet, string[]]>([
    [
      'no selector (no Required error, only the mismatch, as in Kubernetes)',
      ds({ selector: undefined as never }),
      ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
    ],
    [
      'both maxSurge and maxUnavailable',
      ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } }),
      ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero'],
    ],
    [
      'neither maxSurge nor maxUnavailable',
      ds({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 0 } } }),
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'],
    ],
  ])('reports %s', (_name, obj, want) => {
    expect(s(validateDaemonSet(obj))).toEqual(want);
  });
});

describe('validateControllerRevision', () => {
  it('requires data', () => {
    expect(s(validateControllerRevision({ metadata: { name: 'r', namespace: 'default' }, revision: 1 } as never))).toEqual([
      'data: Required value: data is mandatory',
    ]);
  });
});
