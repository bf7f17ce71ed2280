// Warm workspaces, side by side in one run: a new task workspace of the vite-react template whose
// setup script (`npm install`) starts from nothing, against one whose checkout's node_modules was
// copied in first (the project's copyIntoWorkspace), each timed from the worktree's creation to
// the end of the install. npm's cache is warm for both (the checkout is installed first), so only
// the work of installing is compared, not the network. Prints markdown; see docs/benchmarks.md.
//   node bench/warm-workspace.ts [--runs 5]
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { findBubblewrap } from '../src/sandbox/bubblewrap.ts'
import type { WorkspaceSpec } from '../src/sandbox/sandbox.ts'
import { createWorktreeSandboxes } from '../src/sandbox/worktree-sandboxes.ts'
import { copyIntoWorkspace } from '../src/workspaces/copy-into-workspace.ts'
import { machine, ratios, spread, table } from './support/figures.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const runs = Number(values.runs)

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=b', '-c', 'user.email=b@b', ...args], { encoding: 'utf8' })
const install = (dir: string) =>
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    stdio: 'ignore',
  })

const scratch = mkdtempSync(join(tmpdir(), 'cadre-bench-warm-'))
const checkout = join(scratch, 'app')
cpSync(join(import.meta.dirname, '..', 'templates', 'vite-react'), checkout, { recursive: true })
git(checkout, 'init', '-q', '-b', 'main')
git(checkout, 'add', '-A')
git(checkout, 'commit', '-q', '-m', 'the template')
process.stderr.write('installing the checkout once (warms npm’s cache)…\n')
install(checkout)
const files = Number(
  execFileSync('sh', ['-c', 'find node_modules | wc -l'], { cwd: checkout, encoding: 'utf8' }),
)

const home = join(scratch, 'home')
const backend = createWorktreeSandboxes({
  home,
  root: join(home, 'worktrees'),
  bubblewrap: await findBubblewrap(),
})
const spec = (name: string): WorkspaceSpec => ({
  taskId: `tsk_${name}`,
  projectId: 'prj_bench',
  projectPath: checkout,
  branch: `cadre/bench-${name}`,
  baseBranch: 'main',
  network: 'on',
})
const time = async (work: () => Promise<unknown>) => {
  const started = performance.now()
  await work()
  return performance.now() - started
}
const ready = async (name: string, warm: boolean) => {
  const workspace = await backend.create(spec(name))
  await workspace.close()
  if (warm) await copyIntoWorkspace(checkout, workspace.root, ['node_modules'])
  install(workspace.root)
}

const cold: number[] = []
const warm: number[] = []
for (let run = 0; run < runs; run++) {
  // Alternating which goes first, and both removed after each run, so the disk favours neither.
  const order = run % 2 === 0 ? (['cold', 'warm'] as const) : (['warm', 'cold'] as const)
  for (const way of order) {
    const ms = await time(() => ready(`${way}-${run}`, way === 'warm'))
    ;(way === 'warm' ? warm : cold).push(ms)
  }
  for (const way of order) await backend.destroy(spec(`${way}-${run}`))
  process.stderr.write(`run ${run + 1}/${runs} done\n`)
}

console.log(machine())
console.log(`${runs} runs; median (min–max), milliseconds; node_modules of ${files} files\n`)
console.log(
  table(
    [
      'vite-react workspace, new task, through `npm install`',
      'copied node_modules first',
      'from nothing',
      'copied ÷ nothing',
    ],
    [['ready to work', spread(warm), spread(cold), spread(ratios(warm, cold), 2)]],
  ),
)
rmSync(scratch, { recursive: true, force: true })
