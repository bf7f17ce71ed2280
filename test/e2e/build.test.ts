import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

const model = 'anthropic:claude-haiku-4-5'

/** A shell command as the agent's one tool call when its task starts, then it says it is done. */
const onFeature = (pattern: string, command: string) => ({
  when: { lastUserMessage: { contains: pattern }, toolResult: 'none' as const },
  reply: [{ toolCall: { tool: 'bash', input: { command } } }],
})

// The spec's three features: Alpha and Beta side by side, Gamma on both, and Gamma breaks Alpha.
const features = [
  { name: 'Alpha', category: 'core', steps: ['Writes alpha', '$ grep -qx alpha a.txt'] },
  { name: 'Beta', category: 'core', steps: ['$ grep -qx beta b.txt'] },
  { name: 'Gamma', category: 'extra', steps: ['$ grep -qx gamma c.txt'], dependsOn: ['Alpha', 'Beta'] },
]

const parts = ['Part1', 'Part2', 'Part3', 'Part4', 'Part5', 'Part6']

const scenario: ScenarioInput = {
  name: 'claude-haiku-4-5',
  // Slow enough that two agents are seen at work at once.
  pace: { latencyMs: 700, tokensPerSecond: 0 },
  rules: [
    {
      when: { lastUserMessage: { contains: 'Create the feature list' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'cadre__feature_create_bulk', input: { features } } }],
    },
    // The fix, once Cadre's regression check found Alpha broken and reopened it with the output.
    onFeature('/Feature: Alpha[\\s\\S]*broke since/', 'echo alpha > a.txt'),
    onFeature('Feature: Alpha', 'echo alpha > a.txt'),
    onFeature('Feature: Beta', 'echo beta > b.txt'),
    onFeature('Feature: Gamma', 'echo gamma > c.txt && echo broken > a.txt'),
    // Independent features of the second project: each writes its own file.
    ...parts.map((part) => onFeature(`Feature: ${part}`, `echo done > ${part}.txt`)),
    { reply: [{ text: 'Done.' }] },
  ],
}

type Answer = Awaited<ReturnType<Awaited<ReturnType<typeof serveWithSimulator>>['api']>>
const body = async (response: Answer) => {
  const value = await response.json()
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(value)}`)
  return value
}

const fileOn = (repo: string, branch: string, path: string) => {
  try {
    return execFileSync('git', ['-C', repo, 'show', `${branch}:${path}`], {
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim()
  } catch {
    return undefined
  }
}

describe('autonomous build: from a spec to verified features, with parallel agents and regression', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  beforeAll(async () => {
    served = await serveWithSimulator([scenario])
  }, 60_000)
  afterAll(async () => {
    await served?.close()
  })

  const project = async () => {
    const repo = createGitRepo()
    const made = await body(await served.api('/api/projects', { path: repo }))
    return { repo, id: made.id as string }
  }
  /** What the build, its features and its tasks' events were, for a failure to explain itself. */
  const dumpBuild = async (buildId: string, projectId: string) => {
    const read = async (path: string) => JSON.stringify(await (await served.api(path)).json(), null, 1)
    console.log(await read(`/api/builds/${buildId}`), await read(`/api/projects/${projectId}/features`))
    const { tasks } = await (await served.api(`/api/tasks?projectId=${projectId}`)).json()
    for (const task of tasks) {
      const { events } = await (await served.api(`/api/tasks/${task.id}/events`)).json()
      const lines = events.map(
        (e: { type: string; data: unknown }) => `${e.type} ${JSON.stringify(e.data).slice(0, 300)}`,
      )
      console.log(`${task.id} ${task.title} ${task.status} ${task.statusReason ?? ''}\n${lines.join('\n')}`)
    }
  }
  const untilBuild = (id: string, statuses: string[], timeoutMs = 120_000) =>
    waitFor(
      async () => {
        const build = await body(await served.api(`/api/builds/${id}`))
        return statuses.includes(build.status) ? build : undefined
      },
      `build ${id} to be ${statuses.join(' or ')}`,
      timeoutMs,
    )

  it('writes the features from the spec, builds them two at a time, reopens what a later change broke, and finishes', async () => {
    const { repo, id } = await project()
    // Refused without a spec or features, saying what to do.
    const refused = await served.api(`/api/projects/${id}/build`, {})
    expect(refused.status).toBe(400)
    expect((await refused.json()).error.message).toMatch(/no features and no spec/)
    await body(
      await served.api(`/api/projects/${id}/spec`, { text: '# Letters\nThree files: a, b and c.' }, 'PUT'),
    )
    const build = await body(await served.api(`/api/projects/${id}/build`, { concurrency: 2, model }))
    expect(build).toMatchObject({ status: 'running', branch: expect.stringMatching(/^cadre\/build-/) })
    // A second build of the same project is refused while this one runs.
    expect((await served.api(`/api/projects/${id}/build`, {})).status).toBe(409)

    let mostAtOnce = 0
    const finished = await waitFor(
      async () => {
        const now = await body(await served.api(`/api/builds/${build.id}`))
        mostAtOnce = Math.max(
          mostAtOnce,
          now.agents.filter((a: { featureId: string | null }) => a.featureId).length,
        )
        if (now.status === 'failed') throw new Error(`the build failed: ${now.statusReason}`)
        return now.status === 'finished' ? now : undefined
      },
      'the build to finish',
      180_000,
    ).catch(async (error) => {
      await dumpBuild(build.id, id)
      throw error
    })
    expect(finished.progress).toMatchObject({ passing: 3, total: 3, percentage: 100, inProgress: 0 })
    expect(mostAtOnce).toBe(2)

    const list = (await body(await served.api(`/api/projects/${id}/features`))).features
    expect(list.map((f: { name: string; status: string }) => [f.name, f.status])).toEqual([
      ['Alpha', 'passing'],
      ['Beta', 'passing'],
      ['Gamma', 'passing'],
    ])
    // Alpha was reopened once by the regression check (a try spent), then fixed by a new task
    // whose prompt carried the check's failure.
    const alpha = list[0]
    expect(alpha.attempts).toBe(1)
    const fix = await body(await served.api(`/api/tasks/${alpha.lastTaskId}`))
    expect(fix.prompt).toContain('broke since')
    expect(fix.prompt).toContain('grep -qx alpha a.txt failed')
    const { tasks } = await body(await served.api(`/api/tasks?projectId=${id}`))
    expect(tasks.filter((t: { buildId: string }) => t.buildId === build.id)).toHaveLength(5)

    // The build branch holds every feature's work, Alpha's fix included; the base is untouched.
    expect(fileOn(repo, build.branch, 'a.txt')).toBe('alpha')
    expect(fileOn(repo, build.branch, 'b.txt')).toBe('beta')
    expect(fileOn(repo, build.branch, 'c.txt')).toBe('gamma')
    expect(fileOn(repo, 'main', 'a.txt')).toBeUndefined()
  }, 240_000)

  it('pauses gracefully, resumes, stops, and survives a SIGKILL of the server, losing no feature and no work', async () => {
    const { repo, id } = await project()
    await body(
      await served.api(`/api/projects/${id}/features`, {
        features: parts.map((name) => ({ name, steps: [`$ test -f ${name}.txt`] })),
      }),
    )
    const build = await body(await served.api(`/api/projects/${id}/build`, { concurrency: 2, model }))
    const atWork = () =>
      waitFor(
        async () => {
          const now = await body(await served.api(`/api/builds/${build.id}`))
          return now.agents.length > 0 ? now : undefined
        },
        'an agent at work',
        60_000,
      )
    await atWork()
    // Pause: no new feature starts; those at work finish and merge; then it is paused.
    expect((await body(await served.api(`/api/builds/${build.id}/pause`, {}))).status).toBe('pausing')
    const paused = await untilBuild(build.id, ['paused'])
    expect(paused.agents).toEqual([])
    const afterPause = (await body(await served.api(`/api/projects/${id}/features`))).features
    const passedBeforePause = afterPause.filter((f: { status: string }) => f.status === 'passing').length
    expect(passedBeforePause).toBeGreaterThanOrEqual(1)
    expect(afterPause.filter((f: { status: string }) => f.status === 'in_progress')).toEqual([])
    await new Promise((resolve) => setTimeout(resolve, 4000))
    expect((await body(await served.api(`/api/builds/${build.id}`))).status).toBe('paused')

    // Resume, then kill the server while agents are at work: it goes on after the restart.
    expect((await body(await served.api(`/api/builds/${build.id}/resume`, {}))).status).toBe('running')
    await atWork()
    await served.crashAndRestart()
    // Stop: agents cancelled, their features pending again; resume takes them again.
    await atWork()
    const stopped = await body(await served.api(`/api/builds/${build.id}/stop`, {}))
    expect(stopped.status).toBe('stopped')
    const afterStop = (await body(await served.api(`/api/projects/${id}/features`))).features
    expect(afterStop.filter((f: { status: string }) => f.status === 'in_progress')).toEqual([])
    expect((await body(await served.api(`/api/builds/${build.id}/resume`, {}))).status).toBe('running')

    const finished = await untilBuild(build.id, ['finished'], 180_000).catch(async (error) => {
      await dumpBuild(build.id, id)
      throw error
    })
    expect(finished.progress).toMatchObject({ passing: 6, total: 6 })
    for (const part of parts) expect(fileOn(repo, build.branch, `${part}.txt`)).toBe('done')
  }, 300_000)
})
