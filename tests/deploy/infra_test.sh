#!/usr/bin/env bash
# The AWS CDK app in infra/: TypeScript build, assertion tests on the synthesized template
# (node --test), cdk-nag AwsSolutions with no unsuppressed finding, and `cdk synth`. Offline:
# fixed account/region in the app, no AWS credentials, no version check, no telemetry.
set -euo pipefail
root=$1
cd "$root/infra"
if [[ ! -d node_modules/aws-cdk-lib ]]; then
  echo "FAIL: infra/node_modules missing: run scripts/install-deps" >&2
  exit 1
fi
export CDK_DISABLE_VERSION_CHECK=1 CDK_DISABLE_CLI_TELEMETRY=1 AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
npm test --silent
