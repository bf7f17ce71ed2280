import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ProjectSettings } from '../core/settings.ts'
import { copyIntoWorkspace } from './copy-into-workspace.ts'

const folder = (name: string) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'cadre-copy-')), name)
  mkdirSync(dir)
  return dir
}

describe("copying the project's checkout into a workspace", () => {
  it('copies folders and files, links as links, into folders it makes', async () => {
    const checkout = folder('checkout')
    const workspace = folder('workspace')
    mkdirSync(join(checkout, 'packages', 'web', 'node_modules', 'dep'), { recursive: true })
    writeFileSync(join(checkout, 'packages', 'web', 'node_modules', 'dep', 'index.js'), 'dep\n')
    symlinkSync('dep', join(checkout, 'packages', 'web', 'node_modules', 'alias'))
    const copies = await copyIntoWorkspace(checkout, workspace, ['packages/web/node_modules'])
    expect(copies).toEqual([
      { path: 'packages/web/node_modules', copied: true, durationMs: expect.any(Number) },
    ])
    const copied = join(workspace, 'packages', 'web', 'node_modules')
    expect(readFileSync(join(copied, 'alias', 'index.js'), 'utf8')).toBe('dep\n')
  })

  it('never writes outside the workspace through a link the workspace holds', async () => {
    const checkout = folder('checkout')
    const workspace = folder('workspace')
    const elsewhere = folder('elsewhere')
    mkdirSync(join(checkout, 'lib'))
    writeFileSync(join(checkout, 'lib', 'secret.txt'), 'x\n')
    // A tracked link in the workspace, leading out of it.
    symlinkSync(elsewhere, join(workspace, 'lib'))
    await expect(copyIntoWorkspace(checkout, workspace, ['lib/secret.txt'])).rejects.toThrow(
      /lib\/secret\.txt: .*outside the workspace/,
    )
    expect(existsSync(join(elsewhere, 'secret.txt'))).toBe(false)
  })

  it('fails saying why when it cannot copy', async () => {
    const checkout = folder('checkout')
    const workspace = folder('workspace')
    mkdirSync(join(checkout, 'locked'))
    writeFileSync(join(checkout, 'locked', 'file'), 'x\n')
    // Its parent in the workspace is a file: no folder can be made there.
    writeFileSync(join(workspace, 'parent'), 'a file\n')
    mkdirSync(join(checkout, 'parent'))
    writeFileSync(join(checkout, 'parent', 'child'), 'x\n')
    await expect(copyIntoWorkspace(checkout, workspace, ['parent/child'])).rejects.toThrow(
      /^copying parent\/child from the project's checkout into the workspace failed: /,
    )
  })

  it('clears what a copy cut short left beside its place, and copies whole', async () => {
    const checkout = folder('checkout')
    const workspace = folder('workspace')
    mkdirSync(join(checkout, 'node_modules', 'dep'), { recursive: true })
    writeFileSync(join(checkout, 'node_modules', 'dep', 'index.js'), 'dep\n')
    mkdirSync(join(workspace, '.node_modules.cadre-copy-x1y2z3', 'copy'), { recursive: true })
    await copyIntoWorkspace(checkout, workspace, ['node_modules'])
    expect(readdirSync(workspace)).toEqual(['node_modules'])
    expect(readFileSync(join(workspace, 'node_modules', 'dep', 'index.js'), 'utf8')).toBe('dep\n')
  })

  it("takes only paths inside the repository, outside git's own folders, kept without a trailing slash", () => {
    const parsed = (paths: string[]) => ProjectSettings.safeParse({ copyIntoWorkspace: paths })
    expect(parsed(['node_modules/', 'packages/web/.env.local']).data?.copyIntoWorkspace).toEqual([
      'node_modules',
      'packages/web/.env.local',
    ])
    for (const bad of ['/etc', '../outside', 'a/../b', './a', 'a//b', '.git/hooks', 'sub/.git', '.GIT'])
      expect(parsed([bad]).success, bad).toBe(false)
  })
})
