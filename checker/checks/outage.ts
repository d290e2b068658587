/** Outage windows seen by a probe: from a failed probe to the next successful one. */
export interface ProbeRecord {
  at: number;
  ok: boolean;
}

/**
 * Total and longest time without service, in milliseconds. An outage still
 * open at the end runs to `finished` (at least one probe interval past the
 * last record).
 */
export function outageWindows(records: ProbeRecord[], finished: number, probeIntervalMs: number): { withoutMs: number; longestMs: number } {
  let withoutMs = 0;
  let longestMs = 0;
  let outageStart: number | undefined;
  for (const r of records) {
    if (!r.ok && outageStart === undefined) outageStart = r.at;
    if (r.ok && outageStart !== undefined) {
      withoutMs += r.at - outageStart;
      longestMs = Math.max(longestMs, r.at - outageStart);
      outageStart = undefined;
    }
  }
  if (outageStart !== undefined) {
    const end = Math.max(finished, records[records.length - 1]!.at + probeIntervalMs);
    withoutMs += end - outageStart;
    longestMs = Math.max(longestMs, end - outageStart);
  }
  return { withoutMs, longestMs };
}
