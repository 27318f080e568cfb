import type { CronJob, Job, JobSpec } from 'kubernetes-types/batch/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { validateCronJob, validateJob, validateJobUpdate } from './batch';

const s = (errs: { toString(): string }[]) => errs.map(String);
const UID = '0b5e1b06-0000-4000-8000-000000000001';

function template(restartPolicy = 'Never', extraLabels: Record<string, string> = {}): PodTemplateSpec {
  return {
    metadata: {
      labels: {
        'batch.kubernetes.io/controller-uid': UID,
        'batch.kubernetes.io/job-name': 'pi',
        'controller-uid': UID,
        'job-name': 'pi',
        ...extraLabels,
      },
    },
    spec: {
      containers: [{ name: 'pi', image: 'perl:5.34', imagePullPolicy: 'IfNotPresent', terminationMessagePolicy: 'File', resources: {} }],
      restartPolicy,
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
    },
  };
}

/** A defaulted Job with a generated selector. */
function job(spec: Partial<JobSpec> = {}, name = 'pi'): Job {
  return {
    metadata: { name, namespace: 'default', uid: UID, resourceVersion: '1' },
    spec: {
      completions: 1,
      parallelism: 1,
      backoffLimit: 6,
      completionMode: 'NonIndexed',
      suspend: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
      template: template(),
      ...spec,
    },
  };
}

describe('validateJob', () => {
  it('accepts a defaulted job with a generated selector', () => {
    expect(validateJob(job())).toEqual([]);
  });

  it.each<[string, Job, string[]]>([
    [
      'restartPolicy Always (the pod default)',
      job({ template: template('Always') }),
      ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"'],
    ],
    ['negative completions and parallelism', job({ completions: -1, parallelism: -2 }), [
      'spec.parallelism: Invalid value: -2: must be greater than or equal to 0',
      'spec.completions: Invalid value: -1: must be greater than or equal to 0',
    ]],
    ['a negative backoffLimit', job({ backoffLimit: -1 }), ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
    [
      'an Indexed job without completions',
      job({ completionMode: 'Indexed', completions: undefined }),
      ['spec.completions: Required value: when completion mode is Indexed'],
    ],
    [
      'backoffLimitPerIndex on a NonIndexed job',
      job({ backoffLimitPerIndex: 1 }),
      ['spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode'],
    ],
    [
      'a pod failure policy rule without action or requirements',
      job({ podFailurePolicy: { rules: [{ action: '' } as never] }, podReplacementPolicy: 'Failed' }),
      [
        'spec.podFailurePolicy.rules[0].action: Required value: valid values: ["Count" "FailIndex" "FailJob" "Ignore"]',
        'spec.podFailurePolicy.rules[0]: Invalid value: specifying one of OnExitCodes and OnPodConditions is required',
      ],
    ],
    [
      'exit codes out of order and 0 with In',
      job({
        podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [3, 0, 3] } }] },
        podReplacementPolicy: 'Failed',
      }),
      [
        'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
        'spec.podFailurePolicy.rules[0].onExitCodes.values[2]: Duplicate value: 3',
        'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: [3,0,3]: must be ordered',
      ],
    ],
    [
      'a pod failure policy with OnFailure pods',
      job({
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
        podReplacementPolicy: 'Failed',
        template: template('OnFailure'),
      }),
      ['spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified'],
    ],
    [
      'a podReplacementPolicy other than Failed with a pod failure policy',
      job({ podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] } }),
      ['spec.podReplacementPolicy: Unsupported value: "TerminatingOrFailed": supported values: "Failed"'],
    ],
    [
      'a template missing the generated labels',
      job({ template: { ...template(), metadata: { labels: { 'batch.kubernetes.io/controller-uid': UID } } } }),
      [
        "spec.template.metadata.labels[controller-uid]: Required value: must be '0b5e1b06-0000-4000-8000-000000000001'",
        "spec.template.metadata.labels[job-name]: Required value: must be 'pi'",
        "spec.template.metadata.labels[batch.kubernetes.io/job-name]: Required value: must be 'pi'",
      ],
    ],
    [
      'a hand-written selector without manualSelector',
      job({ selector: { matchLabels: { app: 'pi' } }, template: template('Never', { app: 'pi' }) }),
      ['spec.selector: Invalid value: {"matchLabels":{"app":"pi"}}: `selector` not auto-generated'],
    ],
    [
      'an Indexed job whose pod hostnames would be too long',
      job({ completionMode: 'Indexed', completions: 10 }, 'a'.repeat(62)),
      [expect.stringMatching(/^metadata\.name: Invalid value: "a{62}": will not able to create pod with invalid DNS label: a{62}-9$/)],
    ],
  ])('reports %s', (_name, j, want) => {
    if (j.metadata?.name !== 'pi') {
      for (const k of ['batch.kubernetes.io/job-name', 'job-name']) j.spec!.template.metadata!.labels![k] = j.metadata!.name!;
    }
    expect(s(validateJob(j))).toEqual(want);
  });

  it('accepts a manual selector', () => {
    expect(
      validateJob(job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } }, template: template('Never', { app: 'pi' }) })),
    ).toEqual([]);
  });
});

describe('validateJobUpdate', () => {
  it('keeps the template immutable', () => {
    const old = job();
    const next = job({ template: template('OnFailure') });
    expect(s(validateJobUpdate(next, old))).toEqual([expect.stringMatching(/^spec\.template: Invalid value: \{.*\}: field is immutable$/)]);
  });

  it('lets a suspended job that never started change its node selector', () => {
    const old = job({ suspend: true });
    const next = job({ suspend: true, template: { ...template(), spec: { ...template().spec!, nodeSelector: { zone: 'a' } } } });
    expect(validateJobUpdate(next, old)).toEqual([]);
  });

  it('keeps completions immutable for NonIndexed jobs', () => {
    expect(s(validateJobUpdate(job({ completions: 2 }), job()))).toEqual(['spec.completions: Invalid value: 2: field is immutable']);
  });

  it('lets Indexed jobs scale completions with parallelism', () => {
    const old = job({ completionMode: 'Indexed', completions: 2, parallelism: 2 });
    expect(validateJobUpdate(job({ completionMode: 'Indexed', completions: 3, parallelism: 3 }), old)).toEqual([]);
    expect(s(validateJobUpdate(job({ completionMode: 'Indexed', completions: 3, parallelism: 2 }), old))).toEqual([
      'spec.completions: Invalid value: 3: can only be modified in tandem with spec.parallelism',
    ]);
  });
});

describe('validateCronJob', () => {
  const cron = (over: Partial<NonNullable<CronJob['spec']>> = {}, name = 'hello'): CronJob => ({
    metadata: { name, namespace: 'default' },
    spec: {
      schedule: '*/5 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
      jobTemplate: {
        spec: {
          completions: 1,
          parallelism: 1,
          backoffLimit: 6,
          completionMode: 'NonIndexed',
          podReplacementPolicy: 'TerminatingOrFailed',
          template: template('OnFailure'),
        },
      },
      ...over,
    },
  });

  it('accepts a defaulted cron job', () => {
    expect(validateCronJob(cron())).toEqual([]);
  });

  it.each<[string, CronJob, string[]]>([
    ['no schedule', cron({ schedule: '' }), ['spec.schedule: Required value']],
    [
      'TZ in the schedule',
      cron({ schedule: 'CRON_TZ=UTC 0 * * * *' }),
      ['spec.schedule: Invalid value: "CRON_TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead'],
    ],
    ['an unknown time zone', cron({ timeZone: 'Mars/Olympus' }), ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
    [
      'an unknown concurrency policy',
      cron({ concurrencyPolicy: 'Sometimes' }),
      ['spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"'],
    ],
    [
      'a job template with a selector',
      cron({ jobTemplate: { spec: { ...cron().spec!.jobTemplate.spec!, selector: { matchLabels: { a: 'b' } } } } }),
      ['spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated'],
    ],
    ['a 53-character name', cron({}, 'c'.repeat(53)), [`metadata.name: Invalid value: "${'c'.repeat(53)}": must be no more than 52 characters`]],
  ])('reports %s', (_name, cj, want) => {
    expect(s(validateCronJob(cj))).toEqual(want);
  });
});
