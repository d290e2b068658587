/**
 * Lambda code from a TypeScript handler file, bundled at synth by the esbuild
 * in node_modules (no Docker, no network): one ES module with the handler's
 * dependencies (ioredis, mysql2) inside. CDK bundles only the stacks being
 * deployed (`cdk deploy <stack>` sets aws:cdk:bundling-stacks), so a broken
 * Lab 7 handler never blocks deploying another lab.
 *
 * Why not aws-lambda-nodejs NodejsFunction: it resolves (and requires) the
 * entry file when the construct is created, for every stack of the app, and
 * falls back to Docker when it cannot run esbuild the way it expects.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildSync } from 'esbuild';

/** The repository root (this file is stacks/shared/handler-bundle.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** The bundle's file and the handler Lambda calls in it. */
export const BUNDLE_FILE = 'index.mjs';
export const BUNDLE_HANDLER = 'index.handler';
export const BUNDLE_TARGET = 'node22';

export class HandlerBundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HandlerBundleError';
  }
}

/** Bundles `handlerFile` (relative to the repository root) into `outputDir/index.mjs`; throws HandlerBundleError with the file and the first problem. */
export function bundleHandler(handlerFile: string, outputDir: string): void {
  const entry = resolve(REPO_ROOT, handlerFile);
  if (!existsSync(entry)) {
    throw new HandlerBundleError(
      `The handler file ${handlerFile} does not exist, so there is nothing to deploy as the Lab 7 function. Check handlerFile in the lab's stack-config.ts.`,
    );
  }
  try {
    buildSync({
      entryPoints: [entry],
      outfile: join(outputDir, BUNDLE_FILE),
      bundle: true,
      platform: 'node',
      target: BUNDLE_TARGET,
      format: 'esm',
      // ioredis and mysql2 are CommonJS and call require(): give the ES module one.
      banner: { js: "import { createRequire as __kitCreateRequire } from 'node:module'; const require = __kitCreateRequire(import.meta.url);" },
      // Everything is bundled, the AWS SDK too (e.g. @aws-sdk/rds-signer for
      // the IAM token): the function runs the versions the local runtime ran,
      // not whatever SDK the Lambda runtime happens to ship.
      logLevel: 'silent',
    });
  } catch (err) {
    const first = (err as { errors?: Array<{ text: string; location?: { file: string; line: number } }> }).errors?.[0];
    const where = first?.location ? ` (${first.location.file}:${first.location.line})` : '';
    throw new HandlerBundleError(`esbuild could not bundle ${handlerFile}${where}: ${first?.text ?? (err as Error).message}. Fix the file, then deploy again.`);
  }
}

/** The function's code: the bundled handler, hashed by its output so an unchanged bundle is not uploaded again. */
export function handlerCode(handlerFile: string): lambda.Code {
  // The source folder only anchors the asset; the content comes from the bundle.
  return lambda.Code.fromAsset(fileURLToPath(new URL('.', import.meta.url)), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never used: local bundling always succeeds or throws.
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs22.x'),
      local: {
        tryBundle(outputDir: string): boolean {
          bundleHandler(handlerFile, outputDir);
          return true;
        },
      },
    },
  });
}
