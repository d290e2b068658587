import { startLocalAuroraCluster } from '../checker/engines/aurora-local.ts';
import { runExercise } from '../checker/runner/run-exercise.ts';
import { readFileSync, readdirSync } from 'node:fs';
const stat = (pid: number | string) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return { self: (Number(f[11]) + Number(f[12])) / 100, kids: (Number(f[13]) + Number(f[14])) / 100 }; };
const mariadbCpu = () => { let t = 0; for (const p of readdirSync('/proc')) { if (!/^\d+$/.test(p)) continue; try { const c = readFileSync(`/proc/${p}/cmdline`, 'utf8'); if (c.startsWith('/usr/sbin/mariadbd') && c.includes(process.env.TMPDIR ?? '/tmp')) { const s = stat(p); t += s.self; } } catch {} } return t; };
const cl = await startLocalAuroraCluster();
const endpoints = { target: 'local' as const, mysql: cl.endpoints.writer, cluster: cl.endpoints };
for (const [ex, file] of [['03-topology-aware', 'solutions/03-aurora-cluster/exercises/03-topology-aware.ts'], ['01-who-answered', 'solutions/03-aurora-cluster/exercises/01-who-answered.ts']]) {
  const a = stat('self'); const m = mariadbCpu(); const t = performance.now();
  const { results } = await runExercise({ labId: 3, exerciseId: ex, file: '/work/main/' + file, endpoints });
  const b = stat('self');
  console.log(ex, results.filter((r) => r.status === 'pass').length, '/', results.length, 'wall', Math.round(performance.now() - t), 'checker', (b.self - a.self).toFixed(2), 'children', (b.kids - a.kids).toFixed(2), 'mariadbd', (mariadbCpu() - m).toFixed(2));
  for (const r of results) console.log('   ', r.id, r.durationMs);
}
await cl.stop();
