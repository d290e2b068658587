#!/usr/bin/env node
// CDK entry point (cdk.json: "npx tsx app.ts"). Add `-c solution=true` for the finished variant.
import { App } from 'aws-cdk-lib';
import { buildLabApp } from './lab-app.js';

buildLabApp(new App());
