// tributary on AWS: docs/aws.md explains every choice and its cost.
//
//   fluentd ──PutObject──▶ raw bucket ──ObjectCreated(Raw/)──▶ SQS ──▶ ECS Fargate workers (tributary run)
//                                                        (hints; scale on the lag)  │
//          lake bucket (bronze/ silver/ quarantine/, KMS) ◀───────────────────────────┤
//          RDS PostgreSQL (private isolated subnets) ◀──────────────────────────────────┘
//             ▲ analysts as tributary_bi, SSM port forwarding through the BI tunnel
//          Glue Iceberg tables over silver/ (metadata_location moved by the workers) ──▶ Athena workgroup
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subs from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { STREAMS, silverColumns } from './silver-schema';

/** The Glue database of the silver tables (TRIBUTARY_GLUE_DATABASE of the workers). */
export const GLUE_DATABASE = 'tributary';

export interface TributaryStackProps extends cdk.StackProps {
  /**
   * Tag of the tributary image in the stack's ECR repository. Empty on the first deploy, which
   * creates the repository: the workers' service then runs no task until a deploy names a pushed
   * tag (docs/aws.md, "First deploy").
   */
  readonly imageTag: string;
  /** Where alarms are mailed; none when empty. */
  readonly alarmEmail?: string;
  /** Fargate workers: always at least min, at most max (scaled on the ingest lag). */
  readonly minWorkers?: number;
  readonly maxWorkers?: number;
  /** RDS instance class; db.t4g.micro fits today's volume (docs/aws.md). */
  readonly databaseInstanceType?: ec2.InstanceType;
  /** Multi-AZ database: off at today's volume, on at 100× (docs/aws.md). */
  readonly databaseMultiAz?: boolean;
  /**
   * The workers' listing poll. Notifications through SQS carry the latency, so the poll only
   * catches what they miss, and its LIST requests are its cost (docs/aws.md).
   */
  readonly pollInterval?: Duration;
}

/**
 * Acknowledges one cdk-nag finding on a construct (and its children), with the reason written next
 * to the resource it concerns. `id` is a rule ("AwsSolutions-S1") or one finding of a rule
 * ("AwsSolutions-IAM5[Resource::*]").
 */
function acknowledge(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/** The CloudWatch namespace of the metrics the workers write as Embedded Metric Format log lines. */
export const METRICS_NAMESPACE = 'Tributary';

/** The PostgreSQL client image of the role set-up container (the warehouse runs PostgreSQL 16). */
export const POSTGRES_CLIENT_IMAGE = 'public.ecr.aws/docker/library/postgres:16.6-bookworm';

/** deploy/postgres/init-roles.sh, run by the set-up container of every worker task. */
export function initRolesScript(): string {
  return fs.readFileSync(path.join(__dirname, '..', '..', '..', 'deploy', 'postgres', 'init-roles.sh'), 'utf8');
}

/** Characters left out of generated passwords: they go into a postgresql:// URI unescaped. */
const URI_UNSAFE = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=,.^';

export class TributaryStack extends cdk.Stack {
  readonly rawBucket: s3.Bucket;
  readonly lakeBucket: s3.Bucket;
  readonly queue: sqs.Queue;
  readonly database: rds.DatabaseInstance;
  readonly service: ecs.FargateService;

  /**
   * The region's first two AZs, resolved by CloudFormation (Fn::GetAZs) instead of a context lookup,
   * so synth never needs AWS credentials and templates name no AZ.
   */
  override get availabilityZones(): string[] {
    return [0, 1].map((i) => cdk.Fn.select(i, cdk.Fn.getAzs()));
  }

  constructor(scope: Construct, id: string, props: TributaryStackProps) {
    super(scope, id, props);
    const minWorkers = props.minWorkers ?? 1;
    const maxWorkers = props.maxWorkers ?? 4;

    // ---- encryption and audit ----------------------------------------------------------------
    const key = new kms.Key(this, 'DataKey', {
      alias: 'alias/tributary-data',
      description: 'tributary lake, Athena results, queue dead letters and alarms topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Server access logs of the data buckets. Log delivery cannot write to a KMS-encrypted bucket,
    // so this one is S3-managed encrypted; it logs nothing about itself.
    const accessLogs = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, 'AwsSolutions-S1', 'This is the access-log target bucket; logging it to itself would loop.');

    // ---- raw bucket: fluentd's target --------------------------------------------------------
    // S3-managed encryption so fluentd agents outside AWS need no KMS permission. Versioned, and raw
    // objects expire after 30 days: the lake keeps its own byte-for-byte bronze copy.
    this.rawBucket = new s3.Bucket(this, 'RawBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'raw/',
      lifecycleRules: [
        { id: 'expire-raw', prefix: 'Raw/', expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---- lake bucket: bronze, silver, quarantine ---------------------------------------------
    this.lakeBucket = new s3.Bucket(this, 'LakeBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        {
          // Bronze is read only by `tributary replay`: colder storage after 30 days, archive after 180.
          id: 'bronze-to-cold-storage',
          prefix: 'bronze/',
          transitions: [
            { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: Duration.days(180) },
          ],
        },
        // Compaction and replay replace silver files; old versions are kept a week for recovery.
        { id: 'expire-noncurrent', noncurrentVersionExpiration: Duration.days(7) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const athenaResults = new s3.Bucket(this, 'AthenaResultsBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'athena-results/',
      lifecycleRules: [{ id: 'expire-results', expiration: Duration.days(30) }],
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });

    // ---- notifications: raw bucket -> SQS ----------------------------------------------------
    const deadLetters = new sqs.Queue(this, 'RawEventsDeadLetters', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // SQS-managed encryption: S3 event notifications cannot publish to a queue encrypted with a key
    // whose policy the S3 service principal is not in; SSE-SQS needs no key policy.
    this.queue = new sqs.Queue(this, 'RawEvents', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.minutes(5),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });
    this.rawBucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.queue), {
      prefix: 'Raw/',
    });
    // CDK applies bucket notifications through its own singleton Lambda custom resource.
    const notificationsHandler = this.node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    if (notificationsHandler) {
      acknowledge(notificationsHandler,
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'CDK\'s own bucket-notification custom resource; the managed policy only lets it write its logs.');
    }

    // Whoever runs fluentd (an EC2 instance role, an on-premises IAM Roles Anywhere profile, ...)
    // assumes this role: it may put objects under Raw/ and nothing else.
    const fluentdRole = new iam.Role(this, 'FluentdWriterRole', {
      assumedBy: new iam.AccountRootPrincipal(),
      description: 'fluentd agents: PutObject under Raw/ of the raw bucket, nothing else',
      maxSessionDuration: Duration.hours(12),
    });
    fluentdRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:GetObject'],
      resources: [this.rawBucket.arnForObjects('Raw/*')],
    }));
    fluentdRole.addToPolicy(new iam.PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [this.rawBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['Raw/*'] } },
    }));

    // ---- network -----------------------------------------------------------------------------
    // Two AZs; one NAT gateway (workers reach ECR, SQS, CloudWatch, Secrets Manager through it);
    // S3 through a free gateway endpoint so lake traffic never pays NAT data charges.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'workers', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
        { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const flowLogs = new logs.LogGroup(this, 'VpcFlowLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    // ---- warehouse: RDS PostgreSQL -----------------------------------------------------------
    const dbSecurityGroup = new ec2.SecurityGroup(this, 'DatabaseSg', {
      vpc,
      description: 'PostgreSQL: only from the tributary workers and the BI tunnel',
      allowAllOutbound: false,
    });
    const parameters = new rds.ParameterGroup(this, 'DatabaseParameters', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      parameters: {
        'rds.force_ssl': '1',
        log_min_duration_statement: '1000',
        log_connections: '1',
        log_disconnections: '1',
      },
    });
    this.database = new rds.DatabaseInstance(this, 'Warehouse', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      instanceType: props.databaseInstanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [dbSecurityGroup],
      publiclyAccessible: false,
      databaseName: 'tributary',
      credentials: rds.Credentials.fromGeneratedSecret('tributary_admin', { excludeCharacters: URI_UNSAFE }),
      parameterGroup: parameters,
      allocatedStorage: 20,
      maxAllocatedStorage: 200,
      storageType: rds.StorageType.GP3,
      storageEncrypted: true,
      storageEncryptionKey: key,
      multiAz: props.databaseMultiAz ?? false,
      backupRetention: Duration.days(7),
      deletionProtection: true,
      iamAuthentication: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: key,
      instanceIdentifier: 'tributary-warehouse',
      port: 5432,
      cloudwatchLogsExports: ['postgresql'],
      autoMinorVersionUpgrade: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    this.database.addRotationSingleUser({ automaticallyAfter: Duration.days(30) });
    // The exported PostgreSQL log, with a retention (no log-retention Lambda: the group is ours).
    new logs.LogGroup(this, 'WarehouseLogs', {
      logGroupName: '/aws/rds/instance/tributary-warehouse/postgresql',
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    if (!(props.databaseMultiAz ?? false)) {
      acknowledge(this.database, 'AwsSolutions-RDS3',
        'Single-AZ at today\'s volume (a few GB/month, one BI team): the warehouse is rebuildable from the ' +
        'bronze lake (tributary replay) and backed up daily; Multi-AZ doubles its cost. Set context ' +
        'databaseMultiAz=true at 100x (docs/aws.md).');
    }
    acknowledge(this.database, 'AwsSolutions-RDS11',
      'The standard port is kept for client compatibility; the instance is in isolated subnets, not ' +
      'publicly accessible, and its security group admits only the workers and the BI tunnel.');

    // The loader role tributary runs as, and the read-only BI role: their passwords live in Secrets
    // Manager, attached to the instance (host/port/dbname in the same secret). The roles themselves
    // are created in the database by the set-up container of every worker task (below).
    const roleSecrets = ['tributary_loader', 'tributary_bi'].map((username) => {
      const secret = new rds.DatabaseSecret(this, username === 'tributary_loader' ? 'LoaderSecret' : 'BiSecret', {
        username,
        excludeCharacters: URI_UNSAFE,
      });
      acknowledge(secret, 'AwsSolutions-SMG4',
        'Role passwords are injected into tasks at start; automatic rotation would break running workers ' +
        'until restart. Rotated by the runbook in docs/operations.md with a rolling restart; the master ' +
        'secret rotates automatically every 30 days.');
      return secret.attach(this.database);
    });
    const [loaderSecret, biSecret] = roleSecrets;
    const masterSecret = this.database.secret!;

    // ---- workers: ECS Fargate ----------------------------------------------------------------
    const repository = new ecr.Repository(this, 'Images', {
      repositoryName: 'tributary',
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      lifecycleRules: [{ description: 'keep the last 20 images', maxImageCount: 20 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const logGroup = new logs.LogGroup(this, 'WorkerLogs', {
      logGroupName: '/tributary/workers',
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    const taskRole = new iam.Role(this, 'WorkerTaskRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: 'tributary workers: read raw, write the lake, consume notifications',
    });
    // Raw: list under Raw/ and read objects; never write or delete (fluentd owns the bucket).
    taskRole.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadRaw',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [this.rawBucket.arnForObjects('Raw/*')],
    }));
    taskRole.addToPolicy(new iam.PolicyStatement({
      sid: 'ListRaw',
      actions: ['s3:ListBucket'],
      resources: [this.rawBucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['Raw/*', 'Raw/'] } },
    }));
    // Lake: write bronze/silver/quarantine and the manifest; delete only for compaction's replaced
    // files (versioning keeps them a week).
    taskRole.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadWriteLake',
      actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload',
        's3:ListMultipartUploadParts'],
      resources: [this.lakeBucket.arnForObjects('*')],
    }));
    taskRole.addToPolicy(new iam.PolicyStatement({
      sid: 'ListLake',
      actions: ['s3:ListBucket', 's3:ListBucketMultipartUploads'],
      resources: [this.lakeBucket.bucketArn],
    }));
    // Glue: each commit moves its table's metadata_location (GetTable, then UpdateTable; CreateTable
    // when the table is missing). Only the four silver tables of the one database.
    taskRole.addToPolicy(new iam.PolicyStatement({
      sid: 'FollowIcebergCommitsInGlue',
      actions: ['glue:GetTable', 'glue:UpdateTable', 'glue:CreateTable'],
      resources: [
        cdk.Arn.format({ service: 'glue', resource: 'catalog' }, this),
        cdk.Arn.format({ service: 'glue', resource: 'database', resourceName: GLUE_DATABASE }, this),
        ...STREAMS.map((stream) =>
          cdk.Arn.format({ service: 'glue', resource: 'table', resourceName: `${GLUE_DATABASE}/${stream}` }, this)),
      ],
    }));
    key.grantEncryptDecrypt(taskRole);
    this.queue.grantConsumeMessages(taskRole);
    const rawArn = `<${this.getLogicalId(this.rawBucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const lakeArn = `<${this.getLogicalId(this.lakeBucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    acknowledge(taskRole, `AwsSolutions-IAM5[Resource::${rawArn}/Raw/*]`,
      'Workers read any raw object fluentd writes under Raw/ (generated names); read-only.');
    acknowledge(taskRole, `AwsSolutions-IAM5[Resource::${lakeArn}/*]`,
      'The lake bucket is the workers\' own: they write bronze/, silver/, quarantine/ and the manifest.');
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledge(taskRole, `AwsSolutions-IAM5[Action::${action}]`,
        'Granted by key.grantEncryptDecrypt on the one data key only (resource is that key).');
    }
    acknowledge(fluentdRole, `AwsSolutions-IAM5[Resource::${rawArn}/Raw/*]`,
      'fluentd writes objects with generated names under Raw/ only; the wildcard is that prefix.');

    // The image is built for x86-64 (x86-64-v3); both task definitions run it.
    const runtimePlatform = {
      cpuArchitecture: ecs.CpuArchitecture.X86_64,
      operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
    };
    // What both task definitions share once their container is added: /tmp as spill space, the
    // root filesystem being read-only, and the findings of their execution role and environment.
    const finishTask = (task: ecs.FargateTaskDefinition, container: ecs.ContainerDefinition,
      secrets: string, environment: string) => {
      task.addVolume({ name: 'scratch' });
      container.addMountPoints({ containerPath: '/tmp', sourceVolume: 'scratch', readOnly: false });
      acknowledge(task.obtainExecutionRole(), 'AwsSolutions-IAM5[Resource::*]',
        'ecr:GetAuthorizationToken has no resource type; every other execution-role action is scoped to the ' +
        `repository, the log group, ${secrets}.`);
      acknowledge(task, 'AwsSolutions-ECS2',
        `Only non-secret settings (${environment}) are environment variables; ` +
        'credentials come from Secrets Manager through `secrets`.');
    };
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'WorkerTask', {
      cpu: 1024,
      memoryLimitMiB: 2048,
      taskRole,
      runtimePlatform,
    });
    const lakeUri = `s3://${this.lakeBucket.bucketName}/`;
    // The password of the workers' status page, /status.json and /report (user `tributary`). The
    // workers have no inbound rule, so only someone given a route into the VPC reaches the page;
    // the token guards it then, and spares every worker the http.status_unprotected warning.
    const statusToken = new secretsmanager.Secret(this, 'StatusToken', {
      description: 'tributary status page password (TRIBUTARY_STATUS_TOKEN, user tributary)',
      encryptionKey: key,
      generateSecretString: { passwordLength: 40, excludePunctuation: true },
    });
    acknowledge(statusToken, 'AwsSolutions-SMG4',
      'A bearer token read once at task start; rotating it is an operator step (put a new value, then ' +
      'force a new deployment, docs/aws.md), not a Lambda rotation of a database password.');
    // Both task definitions (workers, daily compaction) read the warehouse as the loader, the URI
    // assembled at start so that the password never appears in a task definition or command line.
    const warehouseSecrets = {
      DB_USER: ecs.Secret.fromSecretsManager(loaderSecret, 'username'),
      DB_PASSWORD: ecs.Secret.fromSecretsManager(loaderSecret, 'password'),
      DB_HOST: ecs.Secret.fromSecretsManager(loaderSecret, 'host'),
      DB_PORT: ecs.Secret.fromSecretsManager(loaderSecret, 'port'),
    };
    const withWarehouse = (command: string) =>
      'export TRIBUTARY_WAREHOUSE="postgresql://$DB_USER:$DB_PASSWORD@$DB_HOST:$DB_PORT/tributary"; ' +
      `unset DB_PASSWORD; exec ${command}`;
    // Before the first image is pushed the task definitions name a tag that does not exist yet;
    // the service runs no task then (desiredCount 0, no scaling), and nothing else starts one.
    const imageReady = props.imageTag !== '';
    const image = ecs.ContainerImage.fromEcrRepository(repository, imageReady ? props.imageTag : 'not-pushed-yet');
    const container = taskDefinition.addContainer('tributary', {
      image,
      essential: true,
      readonlyRootFilesystem: true,
      user: '10001:10001',
      // Passwords exclude URI-special characters (URI_UNSAFE), so the URI needs no escaping.
      entryPoint: ['/bin/sh', '-c'],
      command: [withWarehouse('tributary run')],
      environment: {
        TRIBUTARY_SOURCE: `s3://${this.rawBucket.bucketName}`,
        TRIBUTARY_LAKE: lakeUri,
        TRIBUTARY_SQS_QUEUE_URL: this.queue.queueUrl,
        TRIBUTARY_GLUE_DATABASE: GLUE_DATABASE,
        TRIBUTARY_LISTEN: '0.0.0.0:8080',
        TRIBUTARY_LOG_FORMAT: 'json',
        TRIBUTARY_POLL_INTERVAL_MS: String((props.pollInterval ?? Duration.minutes(1)).toMilliseconds()),
        // The ingest lag as CloudWatch metrics: EMF lines on stdout, which the awslogs driver ships;
        // no PutMetricData call, no IAM permission (src/server/cloudwatch_emf.h).
        TRIBUTARY_CLOUDWATCH_NAMESPACE: METRICS_NAMESPACE,
        AWS_REGION: this.region,
      },
      secrets: {
        ...warehouseSecrets,
        TRIBUTARY_STATUS_TOKEN: ecs.Secret.fromSecretsManager(statusToken),
      },
      portMappings: [{ containerPort: 8080, name: 'http' }],
      healthCheck: {
        command: ['CMD', 'curl', '-fsS', '-o', '/dev/null', 'http://127.0.0.1:8080/healthz'],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(3),
        retries: 3,
        startPeriod: Duration.seconds(30),
      },
      stopTimeout: Duration.seconds(60),
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
    });
    // Before tributary starts, the set-up container creates or updates the warehouse's roles with
    // deploy/postgres/init-roles.sh (idempotent) as the RDS master user, whose secret only this
    // container receives: on the first deploy this is what makes the database usable, with no
    // manual step; later it keeps the role passwords equal to their secrets. tributary starts
    // only if it succeeded.
    const roleSetup = taskDefinition.addContainer('warehouse-roles', {
      image: ecs.ContainerImage.fromRegistry(POSTGRES_CLIENT_IMAGE),
      essential: false,
      readonlyRootFilesystem: true,
      user: 'postgres',
      entryPoint: ['bash', '-c'],
      command: [initRolesScript()],
      environment: {
        PGSSLMODE: 'require',
        PGCONNECT_TIMEOUT: '10',
        PGDATABASE: 'postgres',
      },
      secrets: {
        PGHOST: ecs.Secret.fromSecretsManager(masterSecret, 'host'),
        PGPORT: ecs.Secret.fromSecretsManager(masterSecret, 'port'),
        PGUSER: ecs.Secret.fromSecretsManager(masterSecret, 'username'),
        PGPASSWORD: ecs.Secret.fromSecretsManager(masterSecret, 'password'),
        TRIBUTARY_LOADER_PASSWORD: ecs.Secret.fromSecretsManager(loaderSecret, 'password'),
        TRIBUTARY_BI_PASSWORD: ecs.Secret.fromSecretsManager(biSecret, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'roles' }),
    });
    roleSetup.addMountPoints({ containerPath: '/tmp', sourceVolume: 'scratch', readOnly: false });
    container.addContainerDependencies({ container: roleSetup, condition: ecs.ContainerDependencyCondition.SUCCESS });
    // /tmp holds batches in flight that spill.
    finishTask(taskDefinition, container,
      'the loader secret, the status token and (for the role set-up container) the master and BI secrets',
      'bucket URIs, queue URL, listen address, poll interval, metrics namespace; libpq settings');

    const workerSecurityGroup = new ec2.SecurityGroup(this, 'WorkerSg', {
      vpc,
      description: 'tributary workers: no inbound; outbound HTTPS and PostgreSQL',
      allowAllOutbound: false,
    });
    workerSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs and S3 over HTTPS');
    workerSecurityGroup.connections.allowTo(dbSecurityGroup, ec2.Port.tcp(5432), 'warehouse');

    this.service = new ecs.FargateService(this, 'Workers', {
      cluster,
      taskDefinition,
      desiredCount: imageReady ? minWorkers : 0,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [workerSecurityGroup],
      assignPublicIp: false,
      circuitBreaker: { rollback: true },
      enableExecuteCommand: false,
    });

    // The real lag, from the ledger: seconds since the oldest raw object not yet committed landed.
    // Every worker reports the whole pipeline's, so the maximum is the pipeline's lag. (The queue
    // is no measure: a message is deleted once its object is recorded, not committed.)
    const lag = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName: 'IngestLagSeconds',
      period: Duration.minutes(1),
      statistic: 'Maximum',
    });
    const pending = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE, metricName: 'PendingObjects', period: Duration.minutes(1), statistic: 'Maximum',
    });
    const freshness = new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE, metricName: 'NewestEventAgeSeconds', period: Duration.minutes(1), statistic: 'Minimum',
    });
    // Scale on that lag: a worker that keeps up holds it under a poll interval or two (hints
    // start a pass at once); five minutes means the workers are behind.
    if (imageReady) {
      const scaling = this.service.autoScaleTaskCount({ minCapacity: minWorkers, maxCapacity: maxWorkers });
      scaling.scaleOnMetric('LagScaling', {
        metric: lag,
        scalingSteps: [
          { upper: 120, change: -1 },
          { lower: 300, change: +1 },
          { lower: 900, change: +2 },
        ],
        adjustmentType: cdk.aws_applicationautoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: Duration.minutes(3),
      });
    }

    // ---- BI access: SSM port forwarding through a tunnel instance, as tributary_bi -----------------
    // Analysts reach the warehouse without a bastion's open port or a public database: a small
    // instance with no inbound rule, managed by Systems Manager, forwards their session to
    // PostgreSQL (AWS-StartPortForwardingSessionToRemoteHost), and they log in as the read-only
    // tributary_bi with its secret. BiAccessPolicy grants exactly that: a session on this
    // instance with that document only, and reading the BI secret (docs/aws.md, "BI access").
    const biSecurityGroup = new ec2.SecurityGroup(this, 'BiTunnelSg', {
      vpc,
      description: 'BI tunnel: no inbound; PostgreSQL to the warehouse, HTTPS to Systems Manager',
      allowAllOutbound: false,
    });
    biSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'Systems Manager over HTTPS');
    biSecurityGroup.connections.allowTo(dbSecurityGroup, ec2.Port.tcp(5432), 'warehouse, for BI sessions');
    const biTunnelRole = new iam.Role(this, 'BiTunnelRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'BI tunnel instance: Systems Manager agent only',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });
    const biTunnel = new ec2.Instance(this, 'BiTunnel', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO),
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
      securityGroup: biSecurityGroup,
      role: biTunnelRole,
      requireImdsv2: true,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(8, { encrypted: true }) }],
    });
    acknowledge(biTunnelRole,
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
      'The Systems Manager agent\'s own managed policy: what the tunnel needs to register and carry sessions, nothing more.');
    acknowledge(biTunnel, 'AwsSolutions-EC28',
      'A port-forwarding relay with no workload of its own: detailed monitoring would cost more than it tells.');
    acknowledge(biTunnel, 'AwsSolutions-EC29',
      'Stateless relay, recreated by the stack at will: termination protection and an auto scaling group add nothing.');
    const biAccessPolicy = new iam.ManagedPolicy(this, 'BiAccessPolicy', {
      description: 'Query the tributary warehouse as tributary_bi through the BI tunnel (SSM port forwarding)',
      statements: [
        new iam.PolicyStatement({
          sid: 'PortForwardThroughTheTunnelOnly',
          actions: ['ssm:StartSession'],
          resources: [
            cdk.Arn.format({ service: 'ec2', resource: 'instance', resourceName: biTunnel.instanceId }, this),
            cdk.Arn.format({ service: 'ssm', resource: 'document', account: '',
              resourceName: 'AWS-StartPortForwardingSessionToRemoteHost' }, this),
          ],
          conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'OwnSessionsOnly',
          actions: ['ssm:TerminateSession', 'ssm:ResumeSession'],
          resources: [cdk.Arn.format({ service: 'ssm', resource: 'session', resourceName: '${aws:userid}-*' }, this)],
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheBiPassword',
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [biSecret.secretArn],
        }),
      ],
    });
    acknowledge(biAccessPolicy,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:${this.region}:${this.account}:session/<aws:userid>-*]`,
      'Session ids are generated; the prefix is the caller\'s own user id, so each analyst ends only their own sessions.');

    // ---- daily compaction --------------------------------------------------------------------
    // Late and backfilled events keep adding small files to old partitions (ADR 0002); once a day,
    // off-peak, `tributary compact` merges them and collects the garbage of crashed batches
    // (docs/lake.md). A task definition of its own: it serves no status page (no port, no health
    // check), and it holds a merge group decoded, about --target-mb of Parquet uncompressed, so it
    // gets more memory than a worker. Same image, role, network and warehouse user as the workers:
    // it rewrites their manifest (lake_file) under the same rules.
    const compactionTask = new ecs.FargateTaskDefinition(this, 'CompactionTask', {
      family: 'tributary-compact',
      cpu: 1024,
      memoryLimitMiB: 4096,
      taskRole,
      runtimePlatform,
    });
    const compactor = compactionTask.addContainer('tributary', {
      image,
      essential: true,
      readonlyRootFilesystem: true,
      user: '10001:10001',
      entryPoint: ['/bin/sh', '-c'],
      command: [withWarehouse('tributary compact')],
      environment: {
        TRIBUTARY_LAKE: lakeUri,
        TRIBUTARY_LOG_FORMAT: 'json',
        AWS_REGION: this.region,
      },
      secrets: warehouseSecrets,
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'compact' }),
    });
    finishTask(compactionTask, compactor, 'the loader secret', 'the lake URI, log format, region');
    const compactionSchedule = new events.Rule(this, 'DailyCompaction', {
      description: 'tributary compact: merge small silver files, collect garbage (docs/operations.md)',
      schedule: events.Schedule.cron({ minute: '30', hour: '3' }),
      targets: [new eventTargets.EcsTask({
        cluster,
        taskDefinition: compactionTask,
        taskCount: 1,
        launchType: ecs.LaunchType.FARGATE,
        subnetSelection: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [workerSecurityGroup],
        assignPublicIp: false,
      })],
    });
    const clusterRef = `<${this.getLogicalId(cluster.node.defaultChild as ecs.CfnCluster)}>`;
    acknowledge(compactionTask,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:${this.region}:*:task/${clusterRef}/*]`,
      'The schedule\'s role may tag only tasks of this cluster; their ids are generated at RunTask, so the ' +
      'resource cannot name them (RunTask itself is limited to this task definition and cluster).');

    // ---- Glue catalog and Athena -------------------------------------------------------------
    // The silver tables are Iceberg tables. CloudFormation creates each Glue table as one
    // (table_type=ICEBERG, the table location, the columns) but cannot know its metadata file before
    // the first commit: the workers set metadata_location after every commit (GetTable, then
    // UpdateTable keeping the rest of the table). Until the first commit Athena has nothing to read.
    // Not OpenTableFormatInput: Glue would write a metadata file of its own into the table
    // directory, outside the lineage (v<N>.metadata.json, version-hint.text) the workers commit.
    const database = new glue.CfnDatabase(this, 'LakeDatabase', {
      catalogId: this.account,
      databaseInput: { name: GLUE_DATABASE, description: 'tributary silver tables (Apache Iceberg v2)' },
    });
    const tables: glue.CfnTable[] = [];
    for (const stream of STREAMS) {
      const table = new glue.CfnTable(this, `Silver_${stream}`, {
        catalogId: this.account,
        databaseName: GLUE_DATABASE,
        tableInput: {
          name: stream,
          description: `silver ${stream}: deduplicated, typed, partitioned by day(ts), UTC (Iceberg)`,
          tableType: 'EXTERNAL_TABLE',
          parameters: { table_type: 'ICEBERG', EXTERNAL: 'TRUE' },
          storageDescriptor: {
            location: `s3://${this.lakeBucket.bucketName}/silver/${stream}`,
            columns: silverColumns(stream),
          },
        },
      });
      table.addResourceDependency(database);
      tables.push(table);
    }
    // A worker finding no table creates it; CloudFormation's own creation must come first.
    for (const table of tables) this.service.node.addDependency(table);

    const workgroup = new athena.CfnWorkGroup(this, 'AthenaWorkgroup', {
      name: 'tributary',
      description: 'BI and ad-hoc queries over the tributary lake',
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: `s3://${athenaResults.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: key.keyArn },
        },
      },
    });

    // Analysts query through this managed policy (attach it to their role or SSO permission set).
    const analystPolicy = new iam.ManagedPolicy(this, 'AnalystPolicy', {
      description: 'Query the tributary lake with Athena (read-only silver, own results)',
      statements: [
        new iam.PolicyStatement({
          actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults',
            'athena:StopQueryExecution', 'athena:GetWorkGroup'],
          resources: [cdk.Arn.format({ service: 'athena', resource: 'workgroup', resourceName: workgroup.name }, this)],
        }),
        new iam.PolicyStatement({
          actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartitions'],
          resources: [
            cdk.Arn.format({ service: 'glue', resource: 'catalog' }, this),
            cdk.Arn.format({ service: 'glue', resource: 'database', resourceName: GLUE_DATABASE }, this),
            cdk.Arn.format({ service: 'glue', resource: 'table', resourceName: `${GLUE_DATABASE}/*` }, this),
          ],
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject'],
          resources: [this.lakeBucket.arnForObjects('silver/*')],
        }),
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.lakeBucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': ['silver/*'] } },
        }),
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject', 's3:GetBucketLocation', 's3:ListBucket',
            's3:AbortMultipartUpload'],
          resources: [athenaResults.bucketArn, athenaResults.arnForObjects('results/*')],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [key.keyArn],
        }),
      ],
    });
    const resultsArn = `<${this.getLogicalId(athenaResults.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const analystWildcards: [string, string][] = [
      [`Resource::arn:<AWS::Partition>:glue:${this.region}:${this.account}:table/tributary/*`,
        'The tables of the one tributary Glue database.'],
      [`Resource::<${this.getLogicalId(this.lakeBucket.node.defaultChild as s3.CfnBucket)}.Arn>/silver/*`,
        'Read-only: every silver table (Parquet files with generated names); not bronze or quarantine.'],
      [`Resource::${resultsArn}/results/*`, 'The workgroup\'s own query results prefix.'],
    ];
    for (const [finding, reason] of analystWildcards) {
      acknowledge(analystPolicy, `AwsSolutions-IAM5[${finding}]`, reason);
    }

    // ---- monitoring --------------------------------------------------------------------------
    const alarms = new sns.Topic(this, 'Alarms', { masterKey: key, enforceSSL: true });
    // CloudWatch alarms publish to the encrypted topic: only what SNS encryption needs, only for
    // alarms of this account.
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsToEncryptedTopic',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
    }));
    if (props.alarmEmail) alarms.addSubscription(new subs.EmailSubscription(props.alarmEmail));
    const alarmAction = new cwActions.SnsAction(alarms);

    // Errors: every log line at level error counts (TRIBUTARY_LOG_FORMAT=json).
    const errorMetric = new logs.MetricFilter(this, 'ErrorLines', {
      logGroup,
      metricNamespace: 'Tributary',
      metricName: 'ErrorLogLines',
      filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'error'),
      metricValue: '1',
      defaultValue: 0,
    }).metric({ statistic: 'Sum', period: Duration.minutes(5) });

    const backlog = this.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) });
    const dlq = deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) });
    const running = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: this.service.serviceName },
      period: Duration.minutes(1),
      statistic: 'Minimum',
    });
    // A schedule whose RunTask fails (no capacity, a deleted task definition) starts nothing.
    const compactionNotStarted = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensionsMap: { RuleName: compactionSchedule.ruleName },
      period: Duration.hours(1),
      statistic: 'Sum',
    });
    // A compaction task that started and then failed: it could not start its container, or
    // `tributary compact` exited non-zero (its one-line reason is in the log group, prefix compact/).
    const compactionFailed = new events.Rule(this, 'CompactionFailed', {
      description: 'tributary daily compaction task stopped with a failure',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          clusterArn: [cluster.clusterArn],
          group: [`family:${compactionTask.family}`],
          lastStatus: ['STOPPED'],
          $or: [
            { stopCode: ['TaskFailedToStart'] },
            { containers: { exitCode: [{ 'anything-but': 0 }] } },
          ],
        },
      },
      // Through a role of its own: publishing as the events service principal would need an
      // unconditioned grant on the data key.
      targets: [new eventTargets.SnsTopic(alarms, {
        authorizeUsingRole: true,
        message: events.RuleTargetInput.fromText(
          `tributary daily compaction failed: ${events.EventField.fromPath('$.detail.stoppedReason')} ` +
          `(task ${events.EventField.fromPath('$.detail.taskArn')}; log group /tributary/workers, ` +
          'streams compact/; docs/operations.md, "Compaction")'),
      })],
    });
    acknowledge(compactionFailed, 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      'Granted by the topic\'s grantPublish on the one data key only (resource is that key): SNS encryption needs it.');
    const dbCpu = this.database.metricCPUUtilization({ period: Duration.minutes(5) });
    const dbStorage = this.database.metricFreeStorageSpace({ period: Duration.minutes(5) });

    const alarmDefs: [string, cloudwatch.Metric, Partial<cloudwatch.CreateAlarmOptions>, string][] = [
      ['IngestLag', lag, { threshold: 15 * 60, evaluationPeriods: 5, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
        'A raw object landed over 15 minutes ago and is still not committed: workers are behind or stuck (docs/operations.md, runbook "stuck batch").'],
      ['DeadLetters', dlq, { threshold: 0, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
        'Notifications failed 5 times: the listing poll still covers them, but investigate (docs/operations.md).'],
      ['ErrorLogs', errorMetric, { threshold: 10, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
        'More than 10 error log lines in 5 minutes.'],
      ['NoWorkers', running, { threshold: 1, evaluationPeriods: 3, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING }, 'No tributary worker running.'],
      ['CompactionNotStarted', compactionNotStarted, { threshold: 0, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
        'The daily compaction schedule could not start its task (docs/operations.md, "Compaction").'],
      ['WarehouseCpu', dbCpu, { threshold: 80, evaluationPeriods: 6, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD },
        'Warehouse CPU above 80% for 30 minutes: consider the next instance size (docs/aws.md).'],
      ['WarehouseStorage', dbStorage, { threshold: 2 * 1024 ** 3, evaluationPeriods: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD },
        'Less than 2 GiB free on the warehouse (storage autoscaling should act first).'],
    ];
    const created: cloudwatch.Alarm[] = [];
    for (const [name, metric, options, description] of alarmDefs) {
      const alarm = metric.createAlarm(this, `${name}Alarm`, {
        alarmName: `tributary-${name}`,
        alarmDescription: description,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        threshold: options.threshold!,
        evaluationPeriods: options.evaluationPeriods!,
        ...options,
      });
      alarm.addAlarmAction(alarmAction);
      created.push(alarm);
    }

    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: 'tributary',
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'Ingest lag: oldest uncommitted object (s)', left: [lag], right: [pending], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Newest committed event: age (s)', left: [freshness], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Running workers', left: [running], width: 8 }),
        ],
        [new cloudwatch.GraphWidget({ title: 'Notification backlog / dead letters', left: [backlog], right: [dlq], width: 24 })],
        [
          new cloudwatch.GraphWidget({ title: 'Error log lines (5 min)', left: [errorMetric], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Warehouse CPU %', left: [dbCpu], width: 8 }),
          new cloudwatch.GraphWidget({ title: 'Warehouse free storage', left: [dbStorage], width: 8 }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: created, width: 24 })],
      ],
    });

    new cdk.CfnOutput(this, 'RawBucketName', { value: this.rawBucket.bucketName });
    new cdk.CfnOutput(this, 'LakeBucketName', { value: this.lakeBucket.bucketName });
    new cdk.CfnOutput(this, 'QueueUrl', { value: this.queue.queueUrl });
    new cdk.CfnOutput(this, 'RepositoryUri', { value: repository.repositoryUri });
    new cdk.CfnOutput(this, 'FluentdRoleArn', { value: fluentdRole.roleArn });
    new cdk.CfnOutput(this, 'DatabaseEndpoint', { value: this.database.dbInstanceEndpointAddress });
    new cdk.CfnOutput(this, 'AthenaWorkgroupName', { value: workgroup.name });
    new cdk.CfnOutput(this, 'BiTunnelInstanceId', { value: biTunnel.instanceId });
    new cdk.CfnOutput(this, 'BiSecretArn', { value: biSecret.secretArn });
    new cdk.CfnOutput(this, 'BiAccessPolicyArn', { value: biAccessPolicy.managedPolicyArn });
  }
}
