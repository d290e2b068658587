/**
 * Lab 2 on AWS: the primary's and replica's checks, both endpoints for the
 * exercises, and, once connected, whether the replica refuses a write.
 */
import { lab02 } from '../../../labs/02-read-replicas/lab.js';
import { EnvironmentError } from '../../core/errors.js';
import type { Endpoints } from '../../engines/endpoints.js';
import { credentials, endpointOf } from '../aws-endpoints.js';
import type { AwsPlan } from '../plugin.js';
import { connectionSettings, serverIdAt } from '../replication-session.js';
import { writesRefusedCheck } from './writes-refused.js';

export const awsPlan: AwsPlan = {
  async inspect(ctx) {
    const { findPrimaryReplicaResources } = await import('../../aws/rds-resources.js');
    const { runLab02AwsChecks } = await import('./aws.js');
    const r = await findPrimaryReplicaResources(ctx.clients, lab02.stack, {
      stackName: ctx.names.stack,
      dbInstanceId: ctx.names.dbInstance,
      region: ctx.region,
      profile: ctx.profile,
      replicaInstanceId: ctx.names.replicaInstance,
    });
    const checks = await runLab02AwsChecks(ctx.clients, r, { region: ctx.region, profile: ctx.profile });
    return {
      checks,
      async endpoints(): Promise<Endpoints> {
        if (!r.primaryEndpoint || !r.replicaEndpoint) {
          throw new EnvironmentError(
            'The exercises need the primary and the replica endpoints (stack outputs PrimaryEndpoint and ReplicaEndpoint).',
            'Add the read replica (the lesson\'s "Your turn"), or check only your resources with --resources-only.',
          );
        }
        const db = await credentials(ctx, r.dbSecretArn);
        const port = r.dbPort ?? 3306;
        const [p, q] = await ctx.reach(
          [
            { host: r.primaryEndpoint, port },
            { host: r.replicaEndpoint, port },
          ],
          r.bastionInstanceId,
        );
        const database = r.dbName ?? db.dbname ?? 'labdb';
        const primary = endpointOf(p!, db.username, db.password, database);
        const replica = endpointOf(q!, db.username, db.password, database);
        const [pid, rid] = [await serverIdAt(connectionSettings(primary)), await serverIdAt(connectionSettings(replica))];
        return { target: 'aws', mysql: primary, replication: { primary: { ...primary, serverId: pid }, replica: { ...replica, serverId: rid } } };
      },
      async connected(endpoints) {
        const replica = endpoints.replication?.replica;
        return replica ? [await writesRefusedCheck(replica)] : [];
      },
    };
  },
};
