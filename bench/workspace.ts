// Task workspaces, side by side with plain git, in one run:
// - workspace-ready time for a 5,000-file repository: Cadre's worktree backend (the worktree on a new
//   branch, processes isolated when bubblewrap is here) against a raw `git worktree add -b`;
// - the cost of a checkpoint after a step that changed one file, and of the check when nothing changed.
// Prints markdown; see docs/benchmarks.md.   node bench/workspace.ts [--runs 7] [--files 5000]
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { snapshotWorkspace } from '../src/git/workspace-git.ts'
import { findBubblewrap } from '../src/sandbox/bubblewrap.ts'
import { createDockerSandboxes } from '../src/sandbox/docker-sandboxes.ts'
import { createWorktreeSandboxes } from '../src/sandbox/worktree-sandboxes.ts'
import { testDockerEngine, testImage } from '../test/support/docker-engine.ts'
import { machine, spread } from './support/figures.ts'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, files: { type: 'string', default: '5000' } },
})
const runs = Number(values.runs)
const fileCount = Number(values.files)

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { encoding: 'utf8' })

const makeRepository = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cadre-bench-ws-')), 'repo')
  mkdirSync(dir)
  git(dir, 'init', '-q', '-b', 'main')
  for (let i = 0; i < fileCount; i++) {
    const folder = join(dir, `pkg${Math.floor(i / 100)}`)
    if (i % 100 === 0) mkdirSync(folder)
    writeFileSync(join(folder, `file${i}.ts`), `export const value${i} = ${i}\n`)
  }
  git(dir, 'add', '-A')
  git(dir, 'commit', '-q', '-m', 'start')
  return dir
}

const time = async (work: () => unknown) => {
  const started = performance.now()
  await work()
  return performance.now() - started
}

const repository = makeRepository()
const home = mkdtempSync(join(tmpdir(), 'cadre-bench-home-'))
const bubblewrap = await findBubblewrap()
const backend = createWorktreeSandboxes({ home, root: join(home, 'worktrees'), bubblewrap })
const rawRoot = mkdtempSync(join(tmpdir(), 'cadre-bench-raw-'))

const raw: number[] = []
const cadre: number[] = []
const ratios: number[] = []
for (let run = 0; run < runs; run++) {
  // Side by side, alternating which goes first, so the page cache favours neither.
  const measureRaw = () =>
    time(() => git(repository, 'worktree', 'add', '-q', '-b', `raw-${run}`, join(rawRoot, `w${run}`), 'main'))
  const spec = {
    taskId: `tsk_${run}`,
    projectId: 'prj_bench',
    projectPath: repository,
    branch: `cadre/bench-${run}`,
    baseBranch: 'main',
    network: 'off' as const,
  }
  const measureCadre = () => time(async () => (await backend.create(spec)).close())
  const [a, b] =
    run % 2 === 0 ? [await measureRaw(), await measureCadre()] : [await measureCadre(), await measureRaw()]
  const [rawMs, cadreMs] = run % 2 === 0 ? [a, b] : [b, a]
  raw.push(rawMs)
  cadre.push(cadreMs)
  ratios.push(cadreMs / rawMs)
  process.stderr.write(`run ${run + 1}/${runs} done\n`)
}

// Checkpoints: one file changed per step, then a step that changed nothing.
const workspace = await backend.create({
  taskId: 'tsk_checkpoints',
  projectId: 'prj_bench',
  projectPath: repository,
  branch: 'cadre/bench-checkpoints',
  baseBranch: 'main',
  network: 'off',
})
const changed: number[] = []
const unchanged: number[] = []
let tree: string | undefined
for (let step = 1; step <= runs * 2; step++) {
  await workspace.writeFile(`pkg0/file${step}.ts`, `export const value${step} = ${step * 2}\n`)
  changed.push(
    await time(async () => {
      tree =
        (await snapshotWorkspace(workspace, `refs/cadre/bench/${step}`, `step ${step}`, { unlessTree: tree }))
          ?.tree ?? tree
    }),
  )
  unchanged.push(
    await time(() => snapshotWorkspace(workspace, `refs/cadre/bench/x${step}`, 'same', { unlessTree: tree })),
  )
}
await workspace.close()

// The same, with the task's processes in a container: Cadre's container workspace beside a raw
// `git worktree add` plus a container made and started from the same image with the same mount.
const docker = await testDockerEngine()
const containers = createDockerSandboxes({ worktrees: backend, docker: async () => docker })
const rawContainer: number[] = []
const cadreContainer: number[] = []
const containerRatios: number[] = []
for (let run = 0; run < runs; run++) {
  const path = join(rawRoot, `c${run}`)
  const measureRaw = () =>
    time(async () => {
      git(repository, 'worktree', 'add', '-q', '-b', `raw-c-${run}`, path, 'main')
      const container = await docker.createContainer({
        name: `cadre-bench-raw-${process.pid}-${run}`,
        Image: testImage,
        Cmd: ['sleep', '3600'],
        HostConfig: { Binds: [`${path}:${path}`], NetworkMode: 'none', Init: true },
      })
      await container.start()
    })
  const spec = {
    taskId: `tsk_c${process.pid}_${run}`,
    projectId: 'prj_bench',
    projectPath: repository,
    branch: `cadre/bench-c-${run}`,
    baseBranch: 'main',
    network: 'off' as const,
    kind: 'docker' as const,
    container: { image: testImage },
  }
  const measureCadre = () => time(async () => (await containers.create(spec)).close())
  const [a, b] =
    run % 2 === 0 ? [await measureRaw(), await measureCadre()] : [await measureCadre(), await measureRaw()]
  const [rawMs, cadreMs] = run % 2 === 0 ? [a, b] : [b, a]
  rawContainer.push(rawMs)
  cadreContainer.push(cadreMs)
  containerRatios.push(cadreMs / rawMs)
  await docker.getContainer(`cadre-bench-raw-${process.pid}-${run}`).remove({ force: true })
  await containers.destroy(spec)
  process.stderr.write(`container run ${run + 1}/${runs} done\n`)
}

console.log(machine())
console.log(`${runs} runs; median (min–max); isolation: ${bubblewrap ? 'bubblewrap' : 'none'}\n`)
console.log(`| workspace ready, ${fileCount} files | Cadre (ms) | git worktree add (ms) | Cadre ÷ git |`)
console.log('| --- | --- | --- | --- |')
console.log(`| new task branch | ${spread(cadre)} | ${spread(raw)} | ${spread(ratios)} |\n`)
console.log('| checkpoint per step | ms |')
console.log('| --- | --- |')
console.log(`| one file changed | ${spread(changed)} |`)
console.log(`| nothing changed (checked, not saved) | ${spread(unchanged)} |\n`)
console.log(
  `| container workspace ready, ${fileCount} files | Cadre (ms) | worktree add + container start (ms) | Cadre ÷ raw |`,
)
console.log('| --- | --- | --- | --- |')
console.log(
  `| new task, image ${testImage} | ${spread(cadreContainer)} | ${spread(rawContainer)} | ${spread(containerRatios)} |`,
)

rmSync(join(repository, '..'), { recursive: true, force: true })
rmSync(home, { recursive: true, force: true })
rmSync(rawRoot, { recursive: true, force: true })
