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
import { METRICS_NAMESPACE, POSTGRES_CLIENT_IMAGE, initRolesScript } from '../lib/tributary-stack';
import { STREAMS, silverColumns } from '../lib/silver-schema';

type Resources = Record<string, { Type: string; Properties?: any; Metadata?: any }>;

/** Synthesizes the app with cdk-nag; throws if any finding is not acknowledged. */
function synth(mutate?: (stack: cdk.Stack) => void, context: Record<string, string> = {}): Template {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-cdk-'));
  try {
    const app = new cdk.App({ outdir, context: { account: '111111111111', region: 'eu-west-1', imageTag: '0.1.0', ...context } });
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

  it('scales on the ingest lag the workers export, not on the queue', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 4 });
    const scalingAlarms = ofType('AWS::CloudWatch::Alarm').map(([, a]) => a.Properties)
      .filter((a) => JSON.stringify(a.AlarmActions).includes('LagScaling'));
    assert.equal(scalingAlarms.length, 2, 'one alarm to scale out, one to scale in');
    for (const a of scalingAlarms) {
      assert.equal(a.Namespace, METRICS_NAMESPACE);
      assert.equal(a.MetricName, 'IngestLagSeconds');
      assert.equal(a.Statistic, 'Maximum');
    }
    assert.ok(!ofType('AWS::CloudWatch::Alarm').some(([, a]) =>
      String(a.Properties.MetricName).startsWith('Approximate') && JSON.stringify(a.Properties.AlarmActions ?? []).includes('Scaling')),
    'no scaling on SQS metrics');
  });

  it('has the workers write the lag as EMF metrics and poll once a minute', () => {
    const [, task] = ofType('AWS::ECS::TaskDefinition').find(([id]) => id.startsWith('WorkerTask'))!;
    const c = task.Properties.ContainerDefinitions.find((d: any) => d.Name === 'tributary');
    const env = Object.fromEntries(c.Environment.map((e: any) => [e.Name, e.Value]));
    assert.equal(env.TRIBUTARY_CLOUDWATCH_NAMESPACE, METRICS_NAMESPACE);
    assert.equal(env.TRIBUTARY_POLL_INTERVAL_MS, '60000');
    assert.equal(c.LogConfiguration.LogDriver, 'awslogs', 'EMF lines reach CloudWatch through the awslogs driver');
    assert.ok(!JSON.stringify(resources).includes('cloudwatch:PutMetricData'), 'EMF needs no PutMetricData permission');
  });

  it('creates the warehouse roles before tributary starts, as the master user, in a container of its own', () => {
    const [, task] = ofType('AWS::ECS::TaskDefinition').find(([id]) => id.startsWith('WorkerTask'))!;
    const defs = task.Properties.ContainerDefinitions;
    const roles = defs.find((d: any) => d.Name === 'warehouse-roles');
    const worker = defs.find((d: any) => d.Name === 'tributary');
    assert.ok(roles, 'a role set-up container');
    assert.equal(roles.Image, POSTGRES_CLIENT_IMAGE);
    assert.equal(roles.Essential, false);
    assert.deepEqual(roles.EntryPoint, ['bash', '-c']);
    assert.deepEqual(roles.Command, [initRolesScript()], 'runs deploy/postgres/init-roles.sh as it is in the repository');
    assert.deepEqual(worker.DependsOn, [{ ContainerName: 'warehouse-roles', Condition: 'SUCCESS' }]);
    // The variables tests/deploy/stack_test.sh (rds) runs the script with.
    assert.deepEqual(roles.Secrets.map((s: any) => s.Name).sort(),
      ['PGHOST', 'PGPASSWORD', 'PGPORT', 'PGUSER', 'TRIBUTARY_BI_PASSWORD', 'TRIBUTARY_LOADER_PASSWORD']);
    const env = Object.fromEntries(roles.Environment.map((e: any) => [e.Name, e.Value]));
    assert.equal(env.PGSSLMODE, 'require');
    const secretOf = (name: string) => JSON.stringify(roles.Secrets.find((s: any) => s.Name === name).ValueFrom);
    // The master secret, through its attachment to the instance (host and port in it).
    const [master] = ofType('AWS::SecretsManager::SecretTargetAttachment').find(([id]) => id.startsWith('WarehouseSecret'))!;
    assert.match(secretOf('PGPASSWORD'), new RegExp(master));
    assert.match(secretOf('TRIBUTARY_LOADER_PASSWORD'), /LoaderSecret/);
    assert.match(secretOf('TRIBUTARY_BI_PASSWORD'), /BiSecret/);
    // Only the set-up container gets the master secret; tributary never sees it.
    assert.ok(!JSON.stringify(worker.Secrets).includes(master), 'tributary has no master credentials');
    assert.equal(roles.ReadonlyRootFilesystem, true);
  });

  it('deploys from an empty account: without an image tag the service runs no task and does not scale', () => {
    const t = synth(undefined, { imageTag: '' }).toJSON().Resources as Resources;
    const [, service] = Object.entries(t).find(([, r]) => r.Type === 'AWS::ECS::Service')!;
    assert.equal(service.Properties.DesiredCount, 0);
    assert.ok(!Object.values(t).some((r) => r.Type === 'AWS::ApplicationAutoScaling::ScalableTarget'),
      'a scalable target with a minimum of 1 would start a task before the image exists');
    assert.ok(Object.values(t).some((r) => r.Type === 'AWS::ECR::Repository'), 'the repository to push to');
    const [, withImage] = ofType('AWS::ECS::Service')[0];
    assert.equal(withImage.Properties.DesiredCount, 1);
  });

  it('takes worker limits and Multi-AZ from context', () => {
    const t = synth(undefined, { maxWorkers: '12', databaseMultiAz: 'true' });
    t.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MaxCapacity: 12 });
    t.hasResourceProperties('AWS::RDS::DBInstance', { MultiAZ: true });
  });
});

describe('catalog and monitoring', () => {
  it('declares one Glue Iceberg table per stream, which the workers point at their commits', () => {
    const tables = ofType('AWS::Glue::Table');
    assert.equal(tables.length, STREAMS.length);
    const [serviceId, service] = ofType('AWS::ECS::Service')
      .find(([, s]) => s.Properties.LaunchType === 'FARGATE')!;
    for (const stream of STREAMS) {
      const [id, t] = tables.find(([, t]) => t.Properties.TableInput.Name === stream)!;
      const input = t.Properties.TableInput;
      assert.equal(t.Properties.DatabaseName, 'tributary');
      assert.equal(input.TableType, 'EXTERNAL_TABLE');
      assert.equal(input.Parameters.table_type, 'ICEBERG');
      // The metadata file exists only after the first commit: the workers set it.
      assert.equal(input.Parameters.metadata_location, undefined);
      assert.equal(input.PartitionKeys, undefined, 'Iceberg partitions are hidden, not Hive keys');
      assert.match(JSON.stringify(input.StorageDescriptor.Location), new RegExp(`/silver/${stream}"`));
      assert.deepEqual(input.StorageDescriptor.Columns.map((c: any) => c.Name), silverColumns(stream).map((c) => c.name));
      assert.ok(asList((service as any).DependsOn).includes(id), `${serviceId} starts after ${id} exists`);
    }
  });

  it('lets the workers move the Glue tables, and only those', () => {
    const [, task] = ofType('AWS::ECS::TaskDefinition').find(([id]) => id.startsWith('WorkerTask'))!;
    const env = Object.fromEntries(task.Properties.ContainerDefinitions[0].Environment
      .map((e: any) => [e.Name, e.Value]));
    assert.equal(env.TRIBUTARY_GLUE_DATABASE, 'tributary');
    const roleId = task.Properties.TaskRoleArn['Fn::GetAtt'][0];
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const glueStatement = statements.find((st: any) => st.Sid === 'FollowIcebergCommitsInGlue');
    assert.ok(glueStatement, 'a Glue statement on the worker role');
    assert.deepEqual([...glueStatement.Action].sort(), ['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable']);
    const resources = JSON.stringify(glueStatement.Resource);
    for (const stream of STREAMS) assert.match(resources, new RegExp(`:table/tributary/${stream}"`));
    assert.doesNotMatch(resources, /\*/, 'no wildcard resource');
    const glueActions = statements.flatMap((st: any) => [].concat(st.Action)).filter((a: string) => a.startsWith('glue:'));
    assert.deepEqual([...new Set(glueActions)].sort(), ['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable']);
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
    assert.equal(named('IngestLag')?.MetricName, 'IngestLagSeconds');
    assert.equal(named('IngestLag')?.Namespace, METRICS_NAMESPACE);
    assert.equal(named('IngestLag')?.Threshold, 15 * 60);
    assert.equal(named('ErrorLogs')?.MetricName, 'ErrorLogLines');
    for (const n of ['DeadLetters', 'NoWorkers', 'WarehouseCpu', 'WarehouseStorage', 'CompactionNotStarted']) {
      assert.ok(named(n), n);
    }
    for (const a of alarms.filter((a) => a.AlarmName)) assert.ok(a.AlarmActions?.length, `${a.AlarmName} notifies`);
    assert.equal(ofType('AWS::CloudWatch::Dashboard').length, 1);
    assert.ok(ofType('AWS::Logs::LogGroup').every(([, g]) => g.Properties.RetentionInDays), 'log retention everywhere');
  });
});

describe('BI access', () => {
  const sgIngress = (groupId: string) => ofType('AWS::EC2::SecurityGroupIngress')
    .filter(([, r]) => r.Properties.GroupId?.['Fn::GetAtt']?.[0] === groupId).map(([, r]) => r.Properties);

  it('admits to the warehouse only the workers and the BI tunnel, on 5432', () => {
    const [dbSg] = ofType('AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('DatabaseSg'))!;
    const ingress = sgIngress(dbSg);
    // Besides the master secret's rotation function (on the instance's port):
    const others = ingress.filter((i) => !/Rotation/.test(i.SourceSecurityGroupId['Fn::GetAtt'][0]));
    assert.equal(ingress.length - others.length, 1, 'the rotation function');
    const sources = others.map((i) => {
      assert.equal(i.FromPort, 5432);
      assert.equal(i.ToPort, 5432);
      return i.SourceSecurityGroupId['Fn::GetAtt'][0];
    }).sort();
    assert.equal(sources.length, 2);
    assert.match(sources[0], /^BiTunnelSg/);
    assert.match(sources[1], /^WorkerSg/);
    const [tunnelSgId, tunnelSg] = ofType('AWS::EC2::SecurityGroup').find(([id]) => id.startsWith('BiTunnelSg'))!;
    assert.equal(sgIngress(tunnelSgId).length, 0, 'the tunnel accepts no inbound connection');
    assert.equal(tunnelSg.Properties.SecurityGroupIngress, undefined);
  });

  it('runs the tunnel without public address, with IMDSv2 and an encrypted disk', () => {
    const [, instance] = ofType('AWS::EC2::Instance')[0];
    assert.match(JSON.stringify(instance.Properties.SubnetId), /Vpcworkers/);
    assert.equal(instance.Properties.BlockDeviceMappings[0].Ebs.Encrypted, true);
    const [, template] = ofType('AWS::EC2::LaunchTemplate').find(([, t]) =>
      JSON.stringify(t).includes('HttpTokens'))!;
    assert.equal(template.Properties.LaunchTemplateData.MetadataOptions.HttpTokens, 'required');
  });

  it('lets analysts port-forward through the tunnel and read the BI password, nothing more', () => {
    const [, policy] = ofType('AWS::IAM::ManagedPolicy').find(([id]) => id.startsWith('BiAccessPolicy'))!;
    const statements = policy.Properties.PolicyDocument.Statement;
    const actions = statements.flatMap((s: any) => asList<string>(s.Action)).sort();
    assert.deepEqual(actions, ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue',
      'ssm:ResumeSession', 'ssm:StartSession', 'ssm:TerminateSession']);
    const start = statements.find((s: any) => asList<string>(s.Action).includes('ssm:StartSession'));
    assert.match(JSON.stringify(start.Resource), /document\/AWS-StartPortForwardingSessionToRemoteHost/);
    assert.match(JSON.stringify(start.Resource), /instance\/.*BiTunnel/);
    assert.deepEqual(start.Condition, { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } });
    const read = statements.find((s: any) => asList<string>(s.Action).includes('secretsmanager:GetSecretValue'));
    assert.match(JSON.stringify(read.Resource), /BiSecret/);
    assert.doesNotMatch(JSON.stringify(read.Resource), /LoaderSecret|WarehouseSecret/);
  });
});
