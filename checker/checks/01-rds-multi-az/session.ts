/** Lab 1's exercise process: the replication session, and the failover drill measured with the learner's probe. */
import type { Endpoints } from '../../engines/endpoints.js';
import { openReplicationSession, type ReplicationHarness } from '../replication-session.js';
import type { LabSession } from '../session.js';

export async function openLab01(endpoints: Endpoints): Promise<LabSession<ReplicationHarness>> {
  const session = await openReplicationSession(endpoints, async (primary) => {
    await primary.query('DROP TABLE IF EXISTS users');
  });
  return {
    ...session,
    /**
     * The drill: the learner's runProbe watches the endpoint while the runner
     * (told by the "probe-started" event) fails the primary over.
     */
    async measure(harness, name, signal) {
      if (name !== 'failover-drill') throw new Error(`Lab 1 has no measurement named ${name}`);
      const ctx = harness.endpointContext({ timeoutMs: 500 });
      const report = harness.callFor(20_000, 'runProbe', ctx, { durationMs: 8_000, intervalMs: 200 });
      await signal('probe-started');
      return { probe: await report, primaryServerId: harness.primary.serverId, replicaServerId: harness.replica.serverId };
    },
  };
}
