/** Lab 2's exercise process: the replication session with a small users table and the lag markers. */
import type { Endpoints } from '../../engines/endpoints.js';
import { CHECKER_MARKERS } from './exercises/shared.js';
import { openReplicationSession, type ReplicationHarness } from '../replication-session.js';
import type { LabSession } from '../session.js';

export async function openLab02(endpoints: Endpoints): Promise<LabSession<ReplicationHarness>> {
  return openReplicationSession(endpoints, async (primary) => {
    await primary.query('DROP TABLE IF EXISTS users');
    await primary.query('DROP TABLE IF EXISTS lag_markers');
    await primary.query('DROP TABLE IF EXISTS router_probe');
    await primary.query(`CREATE TABLE users (
      id INT AUTO_INCREMENT PRIMARY KEY,
      name VARCHAR(100) NOT NULL,
      email VARCHAR(200) NOT NULL
    )`);
    await primary.query("INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.com'), ('Grace', 'grace@example.com'), ('Alan', 'alan@example.com')");
    await primary.query('CREATE TABLE lag_markers (token VARCHAR(64) PRIMARY KEY, created_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))');
    // Markers that are not the probe's own: a probe must not find them, nor delete them.
    await primary.query(`INSERT INTO lag_markers (token) VALUES ${CHECKER_MARKERS.map(() => '(?)').join(', ')}`, CHECKER_MARKERS);
  });
}
