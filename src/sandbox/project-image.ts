import { execFile, spawn } from 'node:child_process'
import { promisify } from 'node:util'
import type Docker from 'dockerode'
import { CadreError } from '../core/errors.ts'

const run = promisify(execFile)

/** Where a project keeps the Dockerfile of its tasks' containers, first found wins. */
const dockerfileDirs = ['.cadre', '.']

/** The git tree id of a folder at a commit, or undefined when it holds no Dockerfile. */
const dockerfileTree = async (repository: string, commit: string) => {
  for (const dir of dockerfileDirs) {
    const prefix = dir === '.' ? '' : `${dir}/`
    try {
      await run('git', ['-C', repository, 'cat-file', '-e', `${commit}:${prefix}Dockerfile`])
      const { stdout } = await run('git', [
        '-C',
        repository,
        'rev-parse',
        `${commit}:${dir === '.' ? '' : dir}`,
      ])
      return { dir, tree: stdout.trim() }
    } catch {}
  }
  return undefined
}

/**
 * The image a project's tasks run in when its settings name none: built from the Dockerfile in its
 * repository (`.cadre/Dockerfile`, else `Dockerfile`) at the task's base commit, its folder as the
 * build context, on first use, and tagged by the folder's git tree id, so it is built again only
 * when something in that folder changed.
 */
export const projectImage = async (
  docker: Docker,
  project: { id: string; repository: string },
  commit: string,
  /** The build's own network: none when the project's sandbox has none. */
  network: 'on' | 'off',
): Promise<string> => {
  const found = await dockerfileTree(project.repository, commit)
  if (!found) {
    throw new CadreError(
      'bad_request',
      'a container workspace needs an image: set the project\'s sandbox.image (e.g. "node:24"), or commit a .cadre/Dockerfile',
    )
  }
  const tag = `cadre-project-${project.id.toLowerCase()}:${found.tree.slice(0, 12)}`
  if ((await docker.listImages({ filters: { reference: [tag] } })).length > 0) return tag
  // The context is the folder as committed (git archive), never files the agent left lying around.
  const archive = spawn('git', ['-C', project.repository, 'archive', found.tree], {
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const progress = await docker.buildImage(archive.stdout, {
    t: tag,
    networkmode: network === 'off' ? 'none' : 'default',
  })
  const log: string[] = []
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(
      progress,
      (error, output: { error?: string }[]) => {
        const failed = error?.message ?? output.find((line) => line.error)?.error
        if (failed)
          reject(
            new CadreError(
              'bad_request',
              `building the project's image from ${found.dir}/Dockerfile failed: ${failed}\n${log.slice(-10).join('')}`,
            ),
          )
        else resolve()
      },
      (line: { stream?: string }) => line.stream && log.push(line.stream),
    ),
  )
  return tag
}

const imagePrefix = 'cadre-project-'

/**
 * Project images no task needs any more: those of projects that are gone, and for each project
 * every image but its newest (made before its Dockerfile last changed), unless a container still
 * uses it. Returns the tags removed.
 */
export const removeUnusedProjectImages = async (
  docker: Docker,
  projectExists: (projectId: string) => boolean,
): Promise<string[]> => {
  const images = await docker.listImages({ filters: { reference: [`${imagePrefix}*`] } })
  const byProject = new Map<string, { id: string; tags: string[]; created: number }[]>()
  for (const image of images) {
    const tags = (image.RepoTags ?? []).filter((tag) => tag.startsWith(imagePrefix))
    const project = tags[0]?.slice(imagePrefix.length).split(':')[0]
    if (!project) continue
    byProject.set(project, [
      ...(byProject.get(project) ?? []),
      { id: image.Id, tags, created: image.Created },
    ])
  }
  const removed: string[] = []
  for (const [project, list] of byProject) {
    // The engine dates images to the second: all of the newest second are kept.
    const newest = Math.max(...list.map((image) => image.created))
    const unused = projectExists(project) ? list.filter((image) => image.created < newest) : list
    for (const image of unused) {
      try {
        await docker.getImage(image.id).remove()
        removed.push(...image.tags)
      } catch (error) {
        // In use by a container (a task still working on the older image): kept for now.
        if ((error as { statusCode?: number }).statusCode !== 409) throw error
      }
    }
  }
  return removed
}
