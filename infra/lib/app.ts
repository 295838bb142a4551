import * as cdk from 'aws-cdk-lib';
import { TributaryStack } from './tributary-stack';

/** Adds the tributary stack to an app, configured from the app's context. */
export function buildApp(app: cdk.App): TributaryStack {
  const ctx = (key: string, fallback: string): string => String(app.node.tryGetContext(key) ?? fallback);
  return new TributaryStack(app, 'Tributary', {
    env: { account: ctx('account', '111111111111'), region: ctx('region', 'eu-west-1') },
    imageTag: ctx('imageTag', ''),
    alarmEmail: ctx('alarmEmail', ''),
    minWorkers: Number(ctx('minWorkers', '1')),
    maxWorkers: Number(ctx('maxWorkers', '4')),
    databaseMultiAz: ctx('databaseMultiAz', 'false') === 'true',
    description: 'tributary: eventsim raw bucket -> Parquet lake + PostgreSQL warehouse (docs/aws.md)',
  });
}
