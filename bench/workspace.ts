// Task workspaces, side by side with plain git, in one run:
// - workspace-ready time on repositories of 100, 5,000 and 50,000 files: Cadre's worktree backend
//   (the worktree on a new branch, processes isolated when bubblewrap is here) against a raw
//   `git worktree add -b`;
// - on each, the cost of a checkpoint after a step that changed one file, and of the check when
//   nothing changed (the step's tree is compared, nothing saved);
// - on the 5,000-file one, a container workspace against `git worktree add` plus a container made
//   and started from the same image with the same mount, and the container alone on a worktree
//   made beforehand against the raw container start.
// Prints markdown; see docs/benchmarks.md.
//   node bench/workspace.ts [--runs 7] [--files 100,5000,50000] [--container-files 5000]
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { snapshotWorkspace } from '../src/git/workspace-git.ts'
import { findBubblewrap } from '../src/sandbox/bubblewrap.ts'
import { createDockerSandboxes } from '../src/sandbox/docker-sandboxes.ts'
import type { WorkspaceSpec } from '../src/sandbox/sandbox.ts'
import { createWorktreeSandboxes } from '../src/sandbox/worktree-sandboxes.ts'
import { testDockerEngine, testImage } from '../test/support/docker-engine.ts'
import { machine, ratios, spread, table } from './support/figures.ts'

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    files: { type: 'string', default: '100,5000,50000' },
    'container-files': { type: 'string', default: '5000' },
  },
})
const runs = Number(values.runs)
const sizes = values.files.split(',').map(Number)
const containerFiles = Number(values['container-files'])

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { encoding: 'utf8' })

/** A repository of `fileCount` small files, 100 to a folder, in one commit on `main`. */
const makeRepository = (fileCount: number) => {
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

/** Both measures, alternating which goes first so the page cache favours neither. */
const sideBySide = async (run: number, raw: () => Promise<number>, cadre: () => Promise<number>) => {
  if (run % 2 === 0) {
    const rawMs = await raw()
    return { rawMs, cadreMs: await cadre() }
  }
  const cadreMs = await cadre()
  return { rawMs: await raw(), cadreMs }
}

const home = mkdtempSync(join(tmpdir(), 'cadre-bench-home-'))
const bubblewrap = await findBubblewrap()
const backend = createWorktreeSandboxes({ home, root: join(home, 'worktrees'), bubblewrap })
const rawRoot = mkdtempSync(join(tmpdir(), 'cadre-bench-raw-'))
const spec = (repository: string, name: string): WorkspaceSpec => ({
  taskId: `tsk_${name}`,
  projectId: 'prj_bench',
  projectPath: repository,
  branch: `cadre/bench-${name}`,
  baseBranch: 'main',
  network: 'off',
})

/** Worktree-ready times and checkpoint costs on a repository of `fileCount` files. */
const worktrees = async (repository: string, fileCount: number) => {
  const raw: number[] = []
  const cadre: number[] = []
  for (let run = 0; run < runs; run++) {
    const name = `${fileCount}-${run}`
    const path = join(rawRoot, name)
    const measured = await sideBySide(
      run,
      () => time(() => git(repository, 'worktree', 'add', '-q', '-b', `raw-${name}`, path, 'main')),
      () => time(async () => (await backend.create(spec(repository, name))).close()),
    )
    raw.push(measured.rawMs)
    cadre.push(measured.cadreMs)
    // Removed between runs, so a large repository's worktrees do not pile up on the disk.
    git(repository, 'worktree', 'remove', '--force', path)
    await backend.destroy(spec(repository, name))
    process.stderr.write(`${fileCount} files: run ${run + 1}/${runs} done\n`)
  }

  // Checkpoints: one file changed per step, then a step that changed nothing.
  const workspace = await backend.create(spec(repository, `${fileCount}-checkpoints`))
  const changed: number[] = []
  const unchanged: number[] = []
  let tree: string | undefined
  for (let step = 1; step <= runs * 2; step++) {
    await workspace.writeFile(`pkg0/file${step}.ts`, `export const value${step} = ${step * 2}\n`)
    changed.push(
      await time(async () => {
        const saved = await snapshotWorkspace(workspace, `refs/cadre/bench/${step}`, `step ${step}`, {
          unlessTree: tree,
        })
        tree = saved?.tree ?? tree
      }),
    )
    unchanged.push(
      await time(() =>
        snapshotWorkspace(workspace, `refs/cadre/bench/x${step}`, 'same', { unlessTree: tree }),
      ),
    )
  }
  await workspace.close()
  await backend.destroy(spec(repository, `${fileCount}-checkpoints`))
  return { raw, cadre, changed, unchanged }
}

/**
 * Container-ready times, two ways, each beside its raw counterpart: the whole workspace (Cadre's
 * worktree and container, against `git worktree add` plus a container made and started with it
 * mounted), and the container alone on a worktree made beforehand. Both sides clean up alike (the
 * worktrees removed after each run), since on this disk a worktree made just after another's
 * thousands of files were deleted takes twice as long.
 */
const containers = async (repository: string) => {
  const docker = await testDockerEngine()
  const sandboxes = createDockerSandboxes({ worktrees: backend, docker: async () => docker })
  const rawContainer = async (name: string, path: string) => {
    const container = await docker.createContainer({
      name,
      Image: testImage,
      Cmd: ['sleep', '3600'],
      HostConfig: { Binds: [`${path}:${path}`], NetworkMode: 'none', Init: true },
    })
    await container.start()
  }
  const figures = {
    whole: { raw: [] as number[], cadre: [] as number[] },
    alone: { raw: [] as number[], cadre: [] as number[] },
  }
  for (let run = 0; run < runs; run++) {
    for (const [way, worktreeMadeFirst] of [
      ['whole', false],
      ['alone', true],
    ] as const) {
      const path = join(rawRoot, `c${run}-${way}`)
      const name = `cadre-bench-raw-${process.pid}-${run}-${way}`
      const containerSpec: WorkspaceSpec = {
        ...spec(repository, `c${process.pid}-${run}-${way}`),
        kind: 'docker',
        container: { image: testImage },
      }
      const addRaw = () => git(repository, 'worktree', 'add', '-q', '-b', `raw-c-${run}-${way}`, path, 'main')
      if (worktreeMadeFirst) {
        addRaw()
        await (await backend.create({ ...containerSpec, kind: 'worktree' })).close()
      }
      const measured = await sideBySide(
        run,
        () =>
          time(async () => {
            if (!worktreeMadeFirst) addRaw()
            await rawContainer(name, path)
          }),
        () => time(async () => (await sandboxes.create(containerSpec)).close()),
      )
      figures[way].raw.push(measured.rawMs)
      figures[way].cadre.push(measured.cadreMs)
      await docker.getContainer(name).remove({ force: true })
      git(repository, 'worktree', 'remove', '--force', path)
      await sandboxes.destroy(containerSpec)
    }
    process.stderr.write(`container run ${run + 1}/${runs} done\n`)
  }
  return figures
}

const bySize = new Map<number, Awaited<ReturnType<typeof worktrees>>>()
let containerFigures: Awaited<ReturnType<typeof containers>> | undefined
for (const fileCount of sizes) {
  const repository = makeRepository(fileCount)
  bySize.set(fileCount, await worktrees(repository, fileCount))
  if (fileCount === containerFiles) containerFigures = await containers(repository)
  rmSync(join(repository, '..'), { recursive: true, force: true })
}

console.log(machine())
console.log(
  `${runs} runs; median (min–max), milliseconds; isolation: ${bubblewrap ? 'bubblewrap' : 'none'}\n`,
)
console.log(
  table(
    ['workspace ready, new task branch', 'Cadre', 'git worktree add', 'Cadre ÷ git'],
    sizes.map((size) => {
      const f = bySize.get(size)!
      return [`${size} files`, spread(f.cadre), spread(f.raw), spread(ratios(f.cadre, f.raw), 2)]
    }),
  ),
)
console.log()
console.log(
  table(
    ['checkpoint per step', 'one file changed', 'nothing changed (checked, not saved)'],
    sizes.map((size) => [
      `${size} files`,
      spread(bySize.get(size)!.changed),
      spread(bySize.get(size)!.unchanged),
    ]),
  ),
)
if (containerFigures) {
  console.log()
  console.log(
    table(
      [
        `container workspace ready, ${containerFiles} files`,
        'Cadre',
        'raw: (worktree add +) container start',
        'Cadre ÷ raw',
      ],
      [
        [
          `whole workspace, image ${testImage}`,
          spread(containerFigures.whole.cadre),
          spread(containerFigures.whole.raw),
          spread(ratios(containerFigures.whole.cadre, containerFigures.whole.raw), 2),
        ],
        [
          'container alone, worktree made before',
          spread(containerFigures.alone.cadre),
          spread(containerFigures.alone.raw),
          spread(ratios(containerFigures.alone.cadre, containerFigures.alone.raw), 2),
        ],
      ],
    ),
  )
}

rmSync(home, { recursive: true, force: true })
rmSync(rawRoot, { recursive: true, force: true })
