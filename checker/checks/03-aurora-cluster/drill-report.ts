/**
 * What the Lab 3 failover drill measured, on either target: the same
 * FailoverDBCluster (or local writer switch) seen by two clients side by
 * side - one that trusts the cluster endpoint's DNS name, and the learner's
 * topology-aware client that asks replica_host_status where the writer is.
 */

/** What one client saw during the drill, counted by the measurement in the exercise process. */
export interface ClientReport {
  attempts: number;
  failures: number;
  /** Total time from a failed write attempt to the next one that succeeded. */
  secondsWithoutService: number;
  /** Attempts that reached a reader (read_only = 1) while the client meant the writer: stale DNS. */
  landedOnReader: number;
  /** Servers that answered, in order of first appearance (Aurora: @@aurora_server_id). */
  servers: string[];
  /** Why the client could not even be created, when it could not. */
  error?: string;
}

export interface DrillComparison {
  dnsOnly: ClientReport;
  topologyAware: ClientReport;
}

const COLUMNS = ['DNS only', 'topology-aware'] as const;

function isReport(value: unknown): value is ClientReport {
  const r = value as ClientReport | undefined;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.attempts === 'number' &&
    typeof r.failures === 'number' &&
    typeof r.secondsWithoutService === 'number' &&
    typeof r.landedOnReader === 'number' &&
    Array.isArray(r.servers)
  );
}

/** A measurement from the exercise process that has both reports, or undefined. */
export function asDrillComparison(value: unknown): DrillComparison | undefined {
  const v = value as Partial<DrillComparison> | undefined;
  return v && isReport(v.dnsOnly) && isReport(v.topologyAware) ? { dnsOnly: v.dnsOnly, topologyAware: v.topologyAware } : undefined;
}

/**
 * The two clients' figures as a small fixed-width table, one row per figure,
 * then the servers each saw. Plain text: it sits in a check message.
 */
export function formatDrillComparison(dnsOnly: ClientReport, topologyAware: ClientReport): string {
  const rows: Array<[string, string, string]> = [
    ['seconds without service', dnsOnly.secondsWithoutService.toFixed(1), topologyAware.secondsWithoutService.toFixed(1)],
    ['failed attempts', `${dnsOnly.failures} of ${dnsOnly.attempts}`, `${topologyAware.failures} of ${topologyAware.attempts}`],
    ['landed on a reader (stale DNS)', String(dnsOnly.landedOnReader), String(topologyAware.landedOnReader)],
    ['servers seen', String(dnsOnly.servers.length), String(topologyAware.servers.length)],
  ];
  const first = Math.max(...rows.map((r) => r[0].length));
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i + 1]!.length)));
  const line = (cells: readonly string[]) => [cells[0]!.padEnd(first), ...cells.slice(1).map((c, i) => c.padStart(widths[i]!))].join('  ').trimEnd();
  const servers = (r: ClientReport) => (r.servers.length ? r.servers.join(' -> ') : 'none answered');
  return [line(['', ...COLUMNS]), ...rows.map(line), `DNS only:       ${servers(dnsOnly)}`, `topology-aware: ${servers(topologyAware)}`].join('\n');
}

/**
 * The verdict on the learner's client: it must have followed the writer to
 * another server and never have written to a reader. How long the DNS-only
 * client was lost is the lesson, not a requirement.
 */
export function judgeDrill(comparison: DrillComparison): { status: 'pass' | 'fail'; message: string; hint?: string } {
  const { dnsOnly, topologyAware: t } = comparison;
  const table = formatDrillComparison(dnsOnly, t);
  if (t.attempts === 0) {
    const why = t.error ? `: ${t.error}` : '';
    return {
      status: 'fail',
      message: `your topology-aware client made no attempts during the drill${why}\n${table}`,
      hint: 'Complete exercise 03 first: npm run check -- 3 --exercise 03',
    };
  }
  if (t.landedOnReader > 0) {
    return {
      status: 'fail',
      message: `your topology-aware client reached a reader ${t.landedOnReader} time${t.landedOnReader === 1 ? '' : 's'} while it meant the writer\n${table}`,
      hint: 'After a failure, ask replica_host_status for the writer and connect to that instance; check read_only before trusting a connection.',
    };
  }
  if (t.servers.length < 2) {
    return {
      status: 'fail',
      message: `your topology-aware client never reached the new writer (it saw ${t.servers.join(', ') || 'no server'})\n${table}`,
      hint: "When a query fails, read SERVER_ID where SESSION_ID = 'MASTER_SESSION_ID' again and reconnect to the instance it names.",
    };
  }
  const gain = dnsOnly.secondsWithoutService - t.secondsWithoutService;
  const summary =
    gain > 0
      ? `your topology-aware client followed the writer to ${t.servers.at(-1)} and was without service ${gain.toFixed(1)} s less than the DNS-only client`
      : `your topology-aware client followed the writer to ${t.servers.at(-1)}`;
  return { status: 'pass', message: `${summary}\n${table}` };
}
