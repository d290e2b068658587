#!/usr/bin/env node
// CDK entry point (cdk.json: "npx tsx app.ts"): every lab stack (labs 1 to 6).
// Add `-c solution=true` for the finished variants; `cdk deploy <stack name>` deploys one.
import { App } from 'aws-cdk-lib';
import { buildLabStacks } from './lab-app.js';

buildLabStacks(new App());
