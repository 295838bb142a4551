// Assertions on the synthesized CloudFormation template, and cdk-nag AwsSolutions with no
// unacknowledged finding. Offline: fixed account/region, no lookups (node --test dist/test/).
import { before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../lib/app';
import { STREAMS, silverColumns } from '../lib/silver-schema';

type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any }>;

/** Synthesizes the app with cdk-nag; throws if any finding is not acknowledged. */
function synth(mutate?: (stack: cdk.Stack) => void, context: Record<string, string> = {}): Template {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-cdk-'));
  try {
    const app = new cdk.App({ outdir, context: { account: '111111111111', region: 'eu-west-1', ...context } });
    const stack = buildApp(app);
    mutate?.(stack);
    cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { writeSuppressionsToCloudFormation: true }));
    const assembly = app.synth();
    return Template.fromJSON(assembly.getStackByName(stack.stackName).template);
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const asList = <T>(x: T | T[] | undefined): T[] => (x === undefined ? [] : Array.isArray(x) ? x : [x]);

let template: Template;
let resources: Resources;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

before(() => {
  template = synth();
  resources = template.toJSON().Resources;
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unacknowledged finding (synth would have thrown)', () => {
    assert.ok(Object.keys(resources).length > 50);
  });

  it('is really checking: an unencrypted, unlogged bucket fails synthesis', () => {
    assert.throws(() => synth((stack) => { new s3.Bucket(stack, 'Naked'); }), /Validation failed/);
  });

  it('justifies every acknowledgment in the template metadata', () => {
    let count = 0;
    for (const [id, r] of Object.entries(resources)) {
      for (const rule of r.Metadata?.cdk_nag?.rules_to_suppress ?? []) {
        count++;
        assert.ok(typeof rule.reason === 'string' && rule.reason.length >= 40,
          `${id}: acknowledgment ${rule.id} needs a real reason, got "${rule.reason}"`);
      }
    }
    assert.ok(count > 0, 'expected acknowledgments in metadata (writeSuppressionsToCloudFormation)');
  });
});

describe('IAM', () => {
  const statements = (): { where: string; s: any }[] => {
    const out: { where: string; s: any }[] = [];
    for (const [id, r] of Object.entries(resources)) {
      const docs = [r.Properties?.PolicyDocument, ...asList(r.Properties?.Policies).map((p: any) => p.PolicyDocument)];
      for (const doc of docs) for (const s of asList(doc?.Statement)) out.push({ where: id, s });
    }
    return out;
  };

  it('has no statement allowing wildcard actions on all resources', () => {
    const all = statements();
    assert.ok(all.length > 20);
    for (const { where, s } of all) {
      if (s.Effect !== 'Allow') continue;
      const actions = asList<string>(s.Action);
      const wildAction = actions.some((a) => a === '*' || a.endsWith(':*'));
      const wildResource = asList<any>(s.Resource).some((r) => r === '*');
      assert.ok(!(wildAction && wildResource), `${where}: ${JSON.stringify(s)}`);
      assert.ok(!actions.includes('*'), `${where}: Action "*"`);
    }
  });

  it('keeps kms:* in the key policy only for the account root (delegation to IAM policies)', () => {
    const [[, key]] = ofType('AWS::KMS::Key');
    const statements = key.Properties.KeyPolicy.Statement;
    for (const s of statements) {
      const actions = asList<string>(s.Action);
      if (actions.includes('kms:*')) {
        assert.match(JSON.stringify(s.Principal), /:iam::111111111111:root/, JSON.stringify(s));
      } else {
        assert.ok(actions.every((a) => !a.endsWith('*') || a === 'kms:GenerateDataKey*' || a === 'kms:ReEncrypt*'),
          JSON.stringify(s));
      }
      if (s.Principal?.Service) {
        assert.ok(s.Condition, `service principal ${s.Principal.Service} without a condition`);
      }
    }
    assert.equal(key.Properties.EnableKeyRotation, true);
  });

  it('lets the workers only read raw objects, never write or delete them', () => {
    const rawBucket = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('RawBucket'))![0];
    const role = ofType('AWS::IAM::Role').find(([id]) => id.startsWith('WorkerTaskRole'))![0];
    const policy = ofType('AWS::IAM::Policy').find(([, r]) => JSON.stringify(r.Properties.Roles).includes(role))!;
    for (const s of policy[1].Properties.PolicyDocument.Statement) {
      if (!JSON.stringify(s.Resource).includes(rawBucket)) continue;
      for (const a of asList<string>(s.Action)) {
        assert.ok(['s3:GetObject', 's3:GetObjectVersion', 's3:ListBucket'].includes(a), `raw bucket action ${a}`);
      }
    }
  });
});

describe('buckets', () => {
  it('encrypts every bucket, blocks public access and denies non-TLS requests', () => {
    const buckets = ofType('AWS::S3::Bucket');
    assert.equal(buckets.length, 4); // raw, lake, athena results, access logs
    const policies = ofType('AWS::S3::BucketPolicy');
    for (const [id, b] of buckets) {
      assert.ok(b.Properties.BucketEncryption?.ServerSideEncryptionConfiguration?.length, `${id} encryption`);
      assert.deepEqual(b.Properties.PublicAccessBlockConfiguration, {
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      }, `${id} public access block`);
      const policy = policies.find(([, p]) => p.Properties.Bucket?.Ref === id);
      assert.ok(policy, `${id} has a bucket policy`);
      const tls = policy[1].Properties.PolicyDocument.Statement.find((s: any) =>
        s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false');
      assert.ok(tls, `${id} denies requests without TLS`);
    }
  });

  it('keeps the lake versioned, KMS-encrypted, with bronze moving to colder storage', () => {
    const [, lake] = ofType('AWS::S3::Bucket').find(([id]) => id.startsWith('LakeBucket'))!;
    assert.equal(lake.Properties.VersioningConfiguration.Status, 'Enabled');
    const sse = lake.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0];
    assert.equal(sse.ServerSideEncryptionByDefault.SSEAlgorithm, 'aws:kms');
    const bronze = lake.Properties.LifecycleConfiguration.Rules.find((r: any) => r.Prefix === 'bronze/');
    assert.ok(bronze, 'lifecycle rule on bronze/');
    assert.deepEqual(bronze.Transitions.map((t: any) => t.StorageClass), ['STANDARD_IA', 'GLACIER_IR']);
  });

  it('sends raw-object notifications under Raw/ to the SQS queue, with a dead-letter queue', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [Match.objectLike({
          Events: ['s3:ObjectCreated:*'],
          Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'Raw/' }] } },
        })],
      },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });
});

describe('warehouse', () => {
  it('runs PostgreSQL encrypted, not publicly accessible, in isolated subnets', () => {
    const dbs = ofType('AWS::RDS::DBInstance');
    assert.equal(dbs.length, 1);
    const db = dbs[0][1].Properties;
    assert.equal(db.Engine, 'postgres');
    assert.equal(db.PubliclyAccessible, false);
    assert.equal(db.StorageEncrypted, true);
    assert.equal(db.DeletionProtection, true);
    const [, group] = ofType('AWS::RDS::DBSubnetGroup')[0];
    for (const subnet of group.Properties.SubnetIds) {
      assert.match(subnet.Ref, /^Vpcdatabase/, 'database subnets are the isolated ones');
    }
    const isolated = ofType('AWS::EC2::Route').filter(([id]) => id.startsWith('Vpcdatabase'));
    assert.equal(isolated.length, 0, 'isolated subnets have no default route');
  });

  it('keeps credentials in Secrets Manager, rotating the master secret', () => {
    const secrets = ofType('AWS::SecretsManager::Secret');
    const users = secrets.filter(([, s]) => s.Properties.GenerateSecretString.SecretStringTemplate)
      .map(([, s]) => JSON.parse(s.Properties.GenerateSecretString.SecretStringTemplate).username).sort();
    assert.deepEqual(users, ['tributary_admin', 'tributary_bi', 'tributary_loader']);
    assert.equal(secrets.length, 4, 'the three database users and the status token');
    const [, token] = secrets.find(([id]) => id.startsWith('StatusToken'))!;
    assert.ok(token.Properties.KmsKeyId, 'the status token is encrypted with the data key');
    assert.equal(ofType('AWS::SecretsManager::RotationSchedule').length, 1);
    const db = ofType('AWS::RDS::DBInstance')[0][1].Properties;
    assert.match(JSON.stringify(db.MasterUserPassword), /resolve:secretsmanager/);
  });
});

describe('workers', () => {
  it('runs tributary on Fargate with the queue, bucket URIs and secrets it needs', () => {
    template.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE' });
    const [, task] = ofType('AWS::ECS::TaskDefinition').find(([id]) => id.startsWith('WorkerTask'))!;
    const c = task.Properties.ContainerDefinitions[0];
    const env = Object.fromEntries(c.Environment.map((e: any) => [e.Name, e.Value]));
    for (const k of ['TRIBUTARY_SOURCE', 'TRIBUTARY_LAKE', 'TRIBUTARY_SQS_QUEUE_URL', 'TRIBUTARY_LISTEN', 'AWS_REGION']) {
      assert.ok(k in env, `env ${k}`);
    }
    assert.ok(!JSON.stringify(c.Environment).match(/PASSWORD/), 'no password in plain environment');
    assert.deepEqual(c.Secrets.map((s: any) => s.Name).sort(),
      ['DB_HOST', 'DB_PASSWORD', 'DB_PORT', 'DB_USER', 'TRIBUTARY_STATUS_TOKEN']);
    const token = c.Secrets.find((s: any) => s.Name === 'TRIBUTARY_STATUS_TOKEN');
    const [tokenId] = ofType('AWS::SecretsManager::Secret').find(([id]) => id.startsWith('StatusToken'))!;
    assert.equal(token.ValueFrom.Ref, tokenId, 'the status token comes from its own secret');
    assert.ok(c.HealthCheck.Command.join(' ').includes('/healthz'));
    assert.equal(c.ReadonlyRootFilesystem, true);
    assert.equal(c.User, '10001:10001');
  });

  it('compacts the lake daily with its own task, from the workers\' image, role and secrets', () => {
    const tasks = ofType('AWS::ECS::TaskDefinition');
    const [, worker] = tasks.find(([id]) => id.startsWith('WorkerTask'))!;
    const [compactionId, compaction] = tasks.find(([id]) => id.startsWith('CompactionTask'))!;
    const c = compaction.Properties.ContainerDefinitions[0];
    const w = worker.Properties.ContainerDefinitions[0];
    assert.match(c.Command.join(' '), /exec tributary compact$/);
    assert.match(c.Command.join(' '), /unset DB_PASSWORD/);
    assert.deepEqual(c.Image, w.Image);
    assert.deepEqual(compaction.Properties.TaskRoleArn, worker.Properties.TaskRoleArn);
    assert.deepEqual(c.Secrets.map((s: any) => s.Name).sort(), ['DB_HOST', 'DB_PASSWORD', 'DB_PORT', 'DB_USER']);
    const env = Object.fromEntries(c.Environment.map((e: any) => [e.Name, e.Value]));
    assert.deepEqual(env.TRIBUTARY_LAKE, Object.fromEntries(w.Environment.map((e: any) => [e.Name, e.Value])).TRIBUTARY_LAKE);
    assert.equal(c.HealthCheck, undefined, 'compact serves no health endpoint');
    assert.equal(c.ReadonlyRootFilesystem, true);

    const rules = ofType('AWS::Events::Rule').map(([, r]) => r.Properties);
    const schedule = rules.find((r) => r.ScheduleExpression);
    assert.equal(schedule?.ScheduleExpression, 'cron(30 3 * * ? *)');
    const target = schedule.Targets[0];
    assert.equal(target.EcsParameters.TaskDefinitionArn.Ref, compactionId);
    assert.equal(target.EcsParameters.LaunchType, 'FARGATE');
    assert.equal(target.EcsParameters.NetworkConfiguration.AwsVpcConfiguration.AssignPublicIp, 'DISABLED');

    const failed = rules.find((r) => r.EventPattern?.['detail-type']?.includes('ECS Task State Change'));
    assert.ok(failed, 'a rule on the compaction task stopping');
    assert.deepEqual(failed.EventPattern.detail.group, ['family:tributary-compact']);
    assert.deepEqual(failed.EventPattern.detail.lastStatus, ['STOPPED']);
    assert.match(JSON.stringify(failed.EventPattern.detail.$or), /anything-but/);
    const [topicId] = ofType('AWS::SNS::Topic')[0];
    assert.equal(failed.Targets[0].Arn.Ref, topicId, 'failures go to the alarms topic');
    assert.ok(failed.Targets[0].RoleArn, 'published through a role (the key policy grants no service)');
  });

  it('scales on the SQS backlog', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    assert.ok(alarms.some((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      JSON.stringify(a.AlarmActions).includes('BacklogScaling')), 'a step-scaling alarm on the queue backlog');
  });

  it('takes worker limits and Multi-AZ from context', () => {
    const t = synth(undefined, { maxWorkers: '12', databaseMultiAz: 'true' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MaxCapacity: 12 });
    t.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true });
  });
});

describe('catalog and monitoring', () => {
  it('declares one Glue table per stream with partition projection on event_date', () => {
    const tables = ofType('AWS::Glue::Table');
    assert.equal(tables.length, STREAMS.length);
    for (const stream of STREAMS) {
      const [, t] = tables.find(([, t]) => t.Properties.TableInput.Name === stream)!;
      const input = t.Properties.TableInput;
      assert.deepEqual(input.PartitionKeys, [{ Name: 'event_date', Type: 'string' }]);
      assert.equal(input.Parameters['projection.enabled'], 'true');
      assert.equal(input.Parameters['projection.event_date.type'], 'date');
      assert.match(JSON.stringify(input.Parameters['storage.location.template']),
        new RegExp(`/silver/${stream}/event_date=\\$\\{event_date\\}/`));
      assert.deepEqual(input.StorageDescriptor.Columns.map((c: any) => c.Name), silverColumns(stream).map((c) => c.name));
      assert.match(input.StorageDescriptor.SerdeInfo.SerializationLibrary, /parquet/i);
    }
  });

  it('has an Athena workgroup writing KMS-encrypted results', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: Match.objectLike({ EncryptionConfiguration: Match.objectLike({ EncryptionOption: 'SSE_KMS' }) }),
      }),
    });
  });

  it('alarms on ingest lag and errors, and has a dashboard', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    const named = (n: string) => alarms.find((a) => a.AlarmName === `tributary-${n}`);
    assert.equal(named('IngestLag')?.MetricName, 'ApproximateAgeOfOldestMessage');
    assert.equal(named('ErrorLogs')?.MetricName, 'ErrorLogLines');
    for (const n of ['DeadLetters', 'NoWorkers', 'WarehouseCpu', 'WarehouseStorage', 'CompactionNotStarted']) {
      assert.ok(named(n), n);
    }
    for (const a of alarms.filter((a) => a.AlarmName)) assert.ok(a.AlarmActions?.length, `${a.AlarmName} notifies`);
    assert.equal(ofType('AWS::CloudWatch::Dashboard').length, 1);
    assert.ok(ofType('AWS::Logs::LogGroup').every(([, g]) => g.Properties.RetentionInDays), 'log retention everywhere');
  });
});
