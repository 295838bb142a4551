#!/usr/bin/env node
// The CDK app: one stack, TributaryStack. Account and region come from context (cdk.json, or
// `-c account=... -c region=...`), never from the caller's credentials, so `cdk synth` runs offline.
// cdk-nag's AwsSolutions rules validate every synth; a finding that is not acknowledged with a
// reason next to its resource fails it.
import * as cdk from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../lib/app';

const app = new cdk.App();
buildApp(app);
cdk.Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
