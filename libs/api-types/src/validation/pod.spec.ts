import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { fieldPath } from './field';
import { isDNS1123Label } from './name';
import { validatePodCreate, validatePodTemplateSpec } from './pod';

/** A container as it is after defaulting. */
function ctr(over: Partial<Container> = {}): Container {
  return {
    name: 'app',
    image: 'nginx:1.25',
    imagePullPolicy: 'IfNotPresent',
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: {},
    ...over,
  };
}

/** A pod as it is after defaulting. */
function pod(spec: Partial<PodSpec> = {}, name = 'web'): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [ctr()],
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
      enableServiceLinks: true,
      ...spec,
    },
  };
}

const errs = (p: Pod) => validatePodCreate(p).map(String);

describe('validatePodCreate', () => {
  it('accepts a defaulted pod', () => {
    expect(errs(pod())).toEqual([]);
  });

  it.each<[string, Pod, string[]]>([
    ['no containers', pod({ containers: [] }), ['spec.containers: Required value']],
    [
      'an upper-case container name',
      pod({ containers: [ctr({ name: 'App' })] }),
      [`spec.containers[0].name: Invalid value: "App": ${isDNS1123Label('App')[0]}`],
    ],
    [
      'two containers with the same name',
      pod({ containers: [ctr(), ctr()] }),
      ['spec.containers[1].name: Duplicate value: "app"'],
    ],
    ['a missing image', pod({ containers: [ctr({ image: '' })] }), ['spec.containers[0].image: Required value']],
    [
      'an image with surrounding spaces',
      pod({ containers: [ctr({ image: ' nginx' })] }),
      ['spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace'],
    ],
    [
      'port 0 and port 70000',
      pod({ containers: [ctr({ ports: [{ containerPort: 0, protocol: 'TCP' }, { containerPort: 70000, protocol: 'TCP' }] })] }),
      [
        'spec.containers[0].ports[0].containerPort: Required value',
        'spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      ],
    ],
    [
      'an unknown protocol',
      pod({ containers: [ctr({ ports: [{ containerPort: 80, protocol: 'HTTP' }] })] }),
      ['spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
    ],
    [
      'a bad and a duplicate port name',
      pod({
        containers: [
          ctr({
            ports: [
              { name: 'http', containerPort: 80, protocol: 'TCP' },
              { name: 'http', containerPort: 81, protocol: 'TCP' },
              { name: 'HTTP_ALT', containerPort: 82, protocol: 'TCP' },
            ],
          }),
        ],
      }),
      [
        'spec.containers[0].ports[1].name: Duplicate value: "http"',
        'spec.containers[0].ports[2].name: Invalid value: "HTTP_ALT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'spec.containers[0].ports[2].name: Invalid value: "HTTP_ALT": must contain at least one letter (a-z)',
      ],
    ],
    [
      'conflicting host ports',
      pod({
        containers: [
          ctr({ ports: [{ containerPort: 80, hostPort: 8080, protocol: 'TCP' }] }),
          ctr({ name: 'b', ports: [{ containerPort: 81, hostPort: 8080, protocol: 'TCP' }] }),
        ],
      }),
      ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
    ],
    [
      'a bad environment variable name and a valueFrom without source',
      pod({ containers: [ctr({ env: [{ name: '1X', value: 'a' }, { name: 'Y', valueFrom: {} }] })] }),
      [
        "spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
        'spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`',
      ],
    ],
    [
      'a fieldRef to an unsupported field',
      pod({ containers: [ctr({ env: [{ name: 'X', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } } }] })] }),
      [
        'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "metadata.labels": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
      ],
    ],
    [
      'a cpu request above the limit',
      pod({ containers: [ctr({ resources: { requests: { cpu: '1' }, limits: { cpu: '500m' } } })] }),
      ['spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m'],
    ],
    [
      'a memory request above the limit, in canonical form',
      pod({ containers: [ctr({ resources: { requests: { memory: '2048Mi' }, limits: { memory: '1Gi' } } })] }),
      ['spec.containers[0].resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi'],
    ],
    [
      'a negative request and an unknown resource',
      pod({ containers: [ctr({ resources: { requests: { cpu: '-1', disk: '1' } } })] }),
      [
        'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
        'spec.containers[0].resources.requests[disk]: Invalid value: "disk": must be a standard resource type or fully qualified',
        'spec.containers[0].resources.requests[disk]: Invalid value: "disk": must be a standard resource for containers',
      ],
    ],
    [
      'a malformed quantity',
      pod({ containers: [ctr({ resources: { limits: { cpu: 'lots' } } })] }),
      [
        "spec.containers[0].resources.limits[cpu]: Invalid value: \"lots\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
      ],
    ],
    [
      'an extended resource request without limit',
      pod({ containers: [ctr({ resources: { requests: { 'example.com/gpu': '1' } } })] }),
      ['spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources'],
    ],
    [
      'an unsupported restart policy',
      pod({ restartPolicy: 'Sometimes' }),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    ['no dnsPolicy', pod({ dnsPolicy: '' }), ['spec.dnsPolicy: Required value']],
    [
      'duplicate volume names',
      pod({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }] }),
      ['spec.volumes[1].name: Duplicate value: "data"'],
    ],
    [
      'a volume with two sources and one with none',
      pod({ volumes: [{ name: 'a', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'b' }] }),
      ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type', 'spec.volumes[1]: Required value: must specify a volume type'],
    ],
    [
      'a secret volume without secret name and a bad mode',
      pod({ volumes: [{ name: 's', secret: { defaultMode: 0o1000 } }] }),
      [
        'spec.volumes[0].secret.secretName: Required value',
        'spec.volumes[0].secret.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive',
      ],
    ],
    [
      'a mount of a missing volume and a duplicate mount path',
      pod({
        volumes: [{ name: 'data', emptyDir: {} }],
        containers: [
          ctr({
            volumeMounts: [
              { name: 'cache', mountPath: '/cache' },
              { name: 'data', mountPath: '/cache' },
            ],
          }),
        ],
      }),
      [
        'spec.containers[0].volumeMounts[0].name: Not found: "cache"',
        'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/cache": must be unique',
      ],
    ],
    [
      'an absolute subPath',
      pod({ volumes: [{ name: 'data', emptyDir: {} }], containers: [ctr({ volumeMounts: [{ name: 'data', mountPath: '/d', subPath: '/etc' }] })] }),
      ['spec.containers[0].volumeMounts.subPath: Invalid value: "/etc": must be a relative path'],
    ],
    [
      'a toleration with an empty key and operator Equal',
      pod({ tolerations: [{ operator: 'Equal', value: 'x' }] }),
      ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
    ],
    [
      'tolerationSeconds without NoExecute',
      pod({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 5 }] }),
      ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
    ],
    [
      'a host port different from the container port under hostNetwork',
      pod({ hostNetwork: true, containers: [ctr({ ports: [{ containerPort: 80, hostPort: 81, protocol: 'TCP' }] })] }),
      ['spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true'],
    ],
    [
      'a liveness probe without handler and with successThreshold 2',
      pod({ containers: [ctr({ livenessProbe: { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 2, failureThreshold: 3 } })] }),
      [
        'spec.containers[0].livenessProbe: Required value: must specify a handler type',
        'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
      ],
    ],
    [
      'an httpGet probe with a bad port name',
      pod({
        containers: [
          ctr({
            readinessProbe: { httpGet: { path: '/', port: 'Web_Port', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
          }),
        ],
      }),
      [
        'spec.containers[0].readinessProbe.httpGet.port: Invalid value: "Web_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      ],
    ],
    [
      'a probe on an ordinary init container',
      pod({ initContainers: [ctr({ name: 'init', livenessProbe: { exec: { command: ['true'] } } })] }),
      ['spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    ],
    [
      'an init container named like a container',
      pod({ initContainers: [ctr()] }),
      ['spec.initContainers[0].name: Duplicate value: "app"'],
    ],
    ['ephemeral containers on create', pod({ ephemeralContainers: [{ name: 'dbg', image: 'busybox', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }] }), [
      'spec.ephemeralContainers: Forbidden: cannot be set on create',
    ]],
    [
      'an activeDeadlineSeconds of 0',
      pod({ activeDeadlineSeconds: 0 }),
      ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
    ],
    [
      'a required node affinity without terms',
      pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }),
      ['spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term'],
    ],
    [
      'a pod affinity term without topologyKey',
      pod({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: '', labelSelector: { matchLabels: { a: 'b' } } }] } } }),
      [
        'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
        "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must be non-empty",
        "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ],
    [
      'a topology spread constraint with maxSkew 0',
      pod({ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }),
      ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
    ],
    [
      'dnsPolicy None without dnsConfig',
      pod({ dnsPolicy: 'None' }),
      ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'],
    ],
    [
      'a bad nodeSelector label',
      pod({ nodeSelector: { 'disk type': 'ssd' } }),
      [
        "spec.nodeSelector: Invalid value: \"disk type\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ],
  ])('reports %s', (_name, p, want) => {
    expect(errs(p)).toEqual(want);
  });

  it('reports metadata errors first', () => {
    const p = pod({ containers: [] });
    p.metadata = { name: 'Web', namespace: 'default' };
    expect(errs(p)[1]).toBe('spec.containers: Required value');
    expect(errs(p)[0]).toMatch(/^metadata\.name: Invalid value: "Web": a lowercase RFC 1123 subdomain/);
  });
});

describe('validatePodTemplateSpec', () => {
  it('forbids ephemeral containers and validates the spec under spec', () => {
    expect(
      validatePodTemplateSpec(
        {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [],
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
            ephemeralContainers: [{ name: 'd', image: 'busybox', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File' }],
          },
        },
        fieldPath('spec', 'template'),
      ).map(String),
    ).toEqual([
      'spec.template.spec.containers: Required value',
      'spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template',
    ]);
  });

  it('allows a zero host port under hostNetwork in templates', () => {
    expect(
      validatePodTemplateSpec(
        {
          spec: {
            hostNetwork: true,
            containers: [ctr({ ports: [{ containerPort: 80, protocol: 'TCP' }] })],
            restartPolicy: 'Always',
            dnsPolicy: 'ClusterFirst',
          },
        },
        fieldPath('spec', 'template'),
      ),
    ).toEqual([]);
  });
});
