/**
 * Resident memory of a process and all its descendants, read from /proc
 * (Linux only). The engines the checker starts are its children (own process
 * group, same parent), so one walk from the checker's pid covers the checker,
 * the learner's exercise process and redis-server / mariadbd alike.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Process names (comm) counted as the engines' share. */
const ENGINE_NAMES = /^(redis-server|mariadbd|mysqld|valkey-server)\b/;

export interface ProcessMemory {
  pid: number;
  ppid: number;
  name: string;
  rssKb: number;
}

export interface TreeSample {
  totalKb: number;
  enginesKb: number;
  processes: number;
}

/** Name, parent and VmRSS from the text of /proc/<pid>/status; undefined for a zombie or a kernel thread (no VmRSS). */
export function parseStatus(pid: number, text: string): ProcessMemory | undefined {
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const rss = field('VmRSS');
  const ppid = Number(field('PPid'));
  if (rss === undefined || !Number.isInteger(ppid)) return undefined;
  const kb = /^(\d+)\s*kB$/i.exec(rss);
  if (!kb) return undefined;
  return { pid, ppid, name: field('Name') ?? '?', rssKb: Number(kb[1]) };
}

/** Sums `root` and every descendant of it among `all`; engines are counted apart by name. */
export function sumTree(root: number, all: ProcessMemory[]): TreeSample {
  const children = new Map<number, ProcessMemory[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const self = all.find((p) => p.pid === root);
  const sample: TreeSample = { totalKb: 0, enginesKb: 0, processes: 0 };
  const pending = self ? [self] : [...(children.get(root) ?? [])];
  const seen = new Set<number>();
  while (pending.length > 0) {
    const p = pending.pop() as ProcessMemory;
    if (seen.has(p.pid)) continue;
    seen.add(p.pid);
    sample.totalKb += p.rssKb;
    sample.processes += 1;
    if (ENGINE_NAMES.test(p.name)) sample.enginesKb += p.rssKb;
    pending.push(...(children.get(p.pid) ?? []));
  }
  return sample;
}

/** Every process's memory now; processes that exit mid-read are left out. */
export function readAllProcesses(proc = '/proc'): ProcessMemory[] {
  const out: ProcessMemory[] = [];
  for (const entry of readdirSync(proc)) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const p = parseStatus(Number(entry), readFileSync(`${proc}/${entry}/status`, 'utf8'));
      if (p) out.push(p);
    } catch {
      // Gone between readdir and read.
    }
  }
  return out;
}

export interface PeakTracker {
  /** The sample with the largest total so far. */
  peak(): TreeSample & { samples: number };
  stop(): void;
}

/** Samples the tree under `root` every `everyMs` until stopped, keeping the largest total. */
export function trackPeak(root: number, everyMs = 50): PeakTracker {
  let best: TreeSample = { totalKb: 0, enginesKb: 0, processes: 0 };
  let samples = 0;
  const take = () => {
    const now = sumTree(root, readAllProcesses());
    samples += 1;
    if (now.totalKb > best.totalKb) best = now;
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    peak: () => ({ ...best, samples }),
    stop: () => clearInterval(timer),
  };
}
