/**
 * Latencies of one run, kept whole (8 bytes each, so a million operations
 * cost 8 MB) so the percentiles are exact nearest-rank values, not bucket
 * estimates.
 */

/** Nearest-rank percentile of sorted values (the same rule as checker/core/stats.ts). */
function percentile(sorted: Float64Array, p: number): number {
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface LatencySummary {
  /** Operations that finished, successful or not. */
  count: number;
  errors: number;
  /** Percentiles, maximum and mean are over the successful operations. */
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export class LatencyRecorder {
  private samples = new Float64Array(1024);
  private size = 0;
  errors = 0;

  record(ms: number): void {
    if (this.size === this.samples.length) {
      const grown = new Float64Array(this.samples.length * 2);
      grown.set(this.samples);
      this.samples = grown;
    }
    this.samples[this.size++] = ms;
  }

  recordError(): void {
    this.errors += 1;
  }

  get count(): number {
    return this.size + this.errors;
  }

  /** One recorder holding every sample and error of `recorders`. */
  static merge(recorders: LatencyRecorder[]): LatencyRecorder {
    const merged = new LatencyRecorder();
    for (const r of recorders) {
      for (let i = 0; i < r.size; i += 1) merged.record(r.samples[i]);
      merged.errors += r.errors;
    }
    return merged;
  }

  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.size).sort();
    let sum = 0;
    for (const v of sorted) sum += v;
    const empty = sorted.length === 0;
    return {
      count: this.count,
      errors: this.errors,
      p50Ms: empty ? 0 : percentile(sorted, 50),
      p95Ms: empty ? 0 : percentile(sorted, 95),
      p99Ms: empty ? 0 : percentile(sorted, 99),
      maxMs: empty ? 0 : sorted[sorted.length - 1],
      meanMs: empty ? 0 : sum / sorted.length,
    };
  }
}
