import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { beforeAll, describe, expect, it } from 'vitest'
import { testDockerEngine, testImage } from '../../test/support/docker-engine.ts'
import { createGitRepo } from '../../test/support/git-repo.ts'
import { projectImage, removeUnusedProjectImages } from './project-image.ts'

const commitDockerfile = (repo: string, line: string) => {
  mkdirSync(join(repo, '.cadre'), { recursive: true })
  writeFileSync(join(repo, '.cadre', 'Dockerfile'), `FROM ${testImage}\nRUN echo ${line} > /built.txt\n`)
  execFileSync('git', ['-C', repo, 'add', '.'])
  execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', line])
}

describe("project images built from a repository's Dockerfile", () => {
  let docker: Docker
  beforeAll(async () => {
    docker = await testDockerEngine()
  }, 120_000)

  const exists = (tag: string) =>
    docker
      .getImage(tag)
      .inspect()
      .then(
        () => true,
        () => false,
      )

  it('are removed once no task needs them: older ones of a project, and all of a project that is gone', async () => {
    const repo = createGitRepo()
    const run = Date.now().toString(36)
    const project = { id: `prj_images${run}`, repository: repo }
    // Dockerfiles of this run only: no image or build cache of an earlier run answers for them.
    commitDockerfile(repo, `first-${run}`)
    const older = await projectImage(docker, project, 'HEAD', 'off')
    // Images are dated to the second: the newer one a second later.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    commitDockerfile(repo, `second-${run}`)
    const newer = await projectImage(docker, project, 'HEAD', 'off')
    expect(newer).not.toBe(older)
    // A container still on the older image (a task that began before the Dockerfile changed) keeps it.
    const container = await docker.createContainer({ Image: older, Cmd: ['true'] })
    expect(await removeUnusedProjectImages(docker, () => true)).not.toContain(older)
    expect(await exists(older)).toBe(true)
    await container.remove({ force: true })
    expect(await removeUnusedProjectImages(docker, () => true)).toContain(older)
    expect([await exists(older), await exists(newer)]).toEqual([false, true])
    // The project is gone: its last image goes too.
    expect(await removeUnusedProjectImages(docker, (id) => id !== project.id)).toEqual([newer])
    expect(await exists(newer)).toBe(false)
  }, 120_000)
})
