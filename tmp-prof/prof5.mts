import { startLocalEngines } from '../checker/engines/local.ts';
import { runExercise } from '../checker/runner/run-exercise.ts';
import { readFileSync } from 'node:fs';
const stat = (pid: number | string) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return { self: (Number(f[11]) + Number(f[12])) / 100, kids: (Number(f[13]) + Number(f[14])) / 100 }; };
const e = await startLocalEngines();
const labId = Number(process.argv[2]);
const { readdirSync } = await import('node:fs');
const dir = readdirSync('/work/main/solutions').find((d) => d.startsWith(process.argv[2].padStart(2, '0')))!;
for (const f of readdirSync(`/work/main/solutions/${dir}/exercises`)) {
  const ex = f.replace(/\.ts$/, '');
  const a = stat('self'); const t = performance.now();
  const { results } = await runExercise({ labId, exerciseId: ex, file: `/work/main/solutions/${dir}/exercises/${f}`, endpoints: e.endpoints });
  const b = stat('self');
  console.log(ex, results.filter((r) => r.status === 'pass').length, '/', results.length, 'wall', Math.round(performance.now() - t), 'checker', (b.self - a.self).toFixed(2), 'children', (b.kids - a.kids).toFixed(2));
}
await e.stop();
