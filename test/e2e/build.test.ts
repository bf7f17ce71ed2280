import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildToolsToken } from '../../src/builds/build-task-tools.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startAnsweringServer } from '../support/answering-server.ts'
import { colourRules, fileOn, onFeature, printBuild } from '../support/build-scenario.ts'
import { runCli, waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { installTestAgents, testAgentsBin } from '../support/install-test-agents.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

const model = 'anthropic:claude-haiku-4-5'

// The spec's three features: Alpha and Beta side by side, Gamma on both, and Gamma breaks Alpha.
const features = [
  { name: 'Alpha', category: 'core', steps: ['Writes alpha', '$ grep -qx alpha a.txt'] },
  { name: 'Beta', category: 'core', steps: ['$ grep -qx beta b.txt'] },
  { name: 'Gamma', category: 'extra', steps: ['$ grep -qx gamma c.txt'], dependsOn: ['Alpha', 'Beta'] },
]

// The build branch named in the conflict prompt, merged in; the conflict resolved with both lines.
const resolveBothLines = [
  "build=$(git branch --format='%(refname:short)' --list 'cadre/build-*' | grep -v -- -verify | head -1)",
  'git -c user.name=agent -c user.email=agent@example.com merge "$build" >/dev/null 2>&1',
  'printf "one\\ntwo\\n" > shared.txt',
  'git add shared.txt',
  'git -c user.name=agent -c user.email=agent@example.com commit -qm "Merge the build branch, keeping both"',
  'echo RESOLVED',
].join('; ')

const parts = ['Part1', 'Part2', 'Part3', 'Part4', 'Part5', 'Part6']

// Whatever agent the model serves: tools are named as each agent offers them (feature_create_bulk
// finds builtin's cadre__feature_create_bulk and Claude Code's mcp__cadre__feature_create_bulk).
const rules: ScenarioInput['rules'] = [
  {
    when: { lastUserMessage: { contains: 'Create the feature list' }, toolResult: 'none' },
    reply: [{ toolCall: { tool: 'feature_create_bulk', input: { features } } }],
  },
  // The fix, once Cadre's regression check found Alpha broken and reopened it with the output.
  onFeature('/Feature: Alpha[\\s\\S]*broke since/', 'echo alpha > a.txt'),
  onFeature('Feature: Alpha', 'echo alpha > a.txt'),
  onFeature('Feature: Beta', 'echo beta > b.txt'),
  onFeature('Feature: Gamma', 'echo gamma > c.txt && echo broken > a.txt'),
  // A feature whose agent asks a person first, and one whose agent checks its work itself.
  ...colourRules,
  onFeature('Feature: Plain', 'echo plain > plain.txt'),
  {
    when: { lastUserMessage: { contains: 'Feature: Plain' }, lastToolResult: { contains: 'checks pass' } },
    reply: [{ text: 'Done: the checks pass.' }],
  },
  {
    when: { lastUserMessage: { contains: 'Feature: Plain' }, toolResult: 'last' },
    reply: [{ toolCall: { tool: 'feature_mark_passing', input: {} } }],
  },
  // Two features that write the same file side by side: the second to merge conflicts, and its
  // agent merges the build branch into its own and keeps both lines.
  {
    when: { lastUserMessage: { contains: 'no longer merges' }, lastToolResult: { contains: 'RESOLVED' } },
    reply: [{ text: 'Merged, both lines kept.' }],
  },
  {
    when: { lastUserMessage: { contains: 'no longer merges' } },
    reply: [{ toolCall: { tool: 'bash', input: { command: resolveBothLines } } }],
  },
  onFeature('Feature: One', 'echo one > shared.txt'),
  onFeature('Feature: Two', 'echo two > shared.txt'),
  // Independent features of the second project: each writes its own file.
  ...parts.map((part) => onFeature(`Feature: ${part}`, `echo done > ${part}.txt`)),
  { reply: [{ text: 'Done.' }] },
]

// Slow enough that two agents are seen at work at once.
const pace = { latencyMs: 700, tokensPerSecond: 0 }
const scenarios: ScenarioInput[] = [
  { name: 'claude-haiku-4-5', pace, rules },
  { name: 'claude-sonnet-4-5', pace, rules },
]

type Answer = Awaited<ReturnType<Awaited<ReturnType<typeof serveWithSimulator>>['api']>>
const body = async (response: Answer) => {
  const value = await response.json()
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(value)}`)
  return value
}

describe('autonomous build: from a spec to verified features, with parallel agents and regression', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  beforeAll(async () => {
    installTestAgents(['claude-code'])
    served = await serveWithSimulator(scenarios, { PATH: `${testAgentsBin}:${process.env.PATH}` })
  }, 180_000)
  afterAll(async () => {
    await served?.close()
  })

  const project = async () => {
    const repo = createGitRepo()
    const made = await body(await served.api('/api/projects', { path: repo }))
    return { repo, id: made.id as string }
  }
  const dumpBuild = (buildId: string, projectId: string) => printBuild(served.api, buildId, projectId)
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

    // The command line shows the same: the build, its share passing and its features.
    const env = { CADRE_URL: served.url, CADRE_TOKEN: served.token }
    const status = await runCli(['build', 'status', '--project', repo], env)
    expect(status.code).toBe(0)
    expect(status.stdout).toContain(`Build ${build.id} on ${build.branch}: finished`)
    expect(status.stdout).toContain('3 of 3 features passing (100%)')
    expect(status.stdout).toMatch(/Alpha\s+passing\s+1/)
    const notRunning = await runCli(['build', 'pause', build.id], env)
    expect(notRunning.code).not.toBe(0)
    expect(notRunning.stderr).toContain('only a running build pauses')
  }, 240_000)

  it('sends a merge conflict back to the agent, whose resolution is verified and merged', async () => {
    const { repo, id } = await project()
    await body(
      await served.api(`/api/projects/${id}/features`, {
        features: [
          { name: 'One', steps: ['$ grep -qx one shared.txt'] },
          { name: 'Two', steps: ['$ grep -qx two shared.txt'] },
        ],
      }),
    )
    const build = await body(await served.api(`/api/projects/${id}/build`, { concurrency: 2, model }))
    const finished = await untilBuild(build.id, ['finished'], 60_000).catch(async (error) => {
      await dumpBuild(build.id, id)
      throw error
    })
    expect(finished.progress).toMatchObject({ passing: 2, total: 2 })
    expect(fileOn(repo, build.branch, 'shared.txt')).toBe('one\ntwo')
    // One of the two conflicted, was told so, and resolved it in its own workspace.
    const { features } = await body(await served.api(`/api/projects/${id}/features`))
    const told = []
    for (const feature of features) {
      const { events } = await body(await served.api(`/api/tasks/${feature.lastTaskId}/events`))
      if (events.some((e: { type: string }) => e.type === 'merge.conflicted'))
        told.push(
          events.some(
            (e: { type: string; data: { text?: string } }) =>
              e.type === 'message.user' && e.data.text?.includes('conflict: shared.txt'),
          ),
        )
    }
    expect(told).toEqual([true])
  }, 120_000)

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

  it('goes on while a person is asked, hands the answer to the agent (Claude Code, through its feature tools), and tells a webhook', async () => {
    const { repo, id } = await project()
    await using receiver = await startAnsweringServer(200, { ok: true })
    const { webhook: hook } = await body(
      await served.api('/api/webhooks', { projectId: id, url: receiver.url, events: ['build.progress'] }),
    )
    await body(
      await served.api(`/api/projects/${id}/features`, {
        features: [
          { name: 'Colour', steps: ['$ grep -qx red colour.txt'] },
          { name: 'Plain', steps: ['$ grep -qx plain plain.txt'] },
        ],
      }),
    )
    const build = await body(
      await served.api(`/api/projects/${id}/build`, {
        concurrency: 2,
        agent: 'claude-code',
        model: 'anthropic:claude-sonnet-4-5',
      }),
    )
    // Plain passes (its agent ran Cadre's checks through its tool first) while Colour waits.
    const waiting = await untilBuild(build.id, ['waiting']).catch(async (error) => {
      await dumpBuild(build.id, id)
      throw error
    })
    expect(waiting.statusReason).toBe("1 feature waits for a person's answer")
    const asked = (await body(await served.api(`/api/projects/${id}/features`))).features
    expect(
      asked.map((f: { name: string; status: string; note: string | null }) => [f.name, f.status, f.note]),
    ).toEqual([
      ['Colour', 'needs_human', 'Which colour?\nOptions: red | blue'],
      ['Plain', 'passing', null],
    ])
    const plainTask = await body(await served.api(`/api/tasks/${asked[1].lastTaskId}/events`))
    expect(
      plainTask.events.some(
        (e: { type: string; data: { tool?: string; output?: string } }) =>
          e.type === 'tool.finished' && e.data.output?.includes("Cadre's checks pass"),
      ),
    ).toBe(true)
    // A bad answer is refused; a real one reaches the agent that asked, which goes on with it.
    expect((await served.api(`/api/features/${asked[1].id}/answer`, { answer: 'x' })).status).toBe(409)
    expect((await served.api(`/api/features/${asked[0].id}/answer`, { answer: '' })).status).toBe(400)
    await body(await served.api(`/api/features/${asked[0].id}/answer`, { answer: 'red, please' }))
    const finished = await untilBuild(build.id, ['finished']).catch(async (error) => {
      await dumpBuild(build.id, id)
      throw error
    })
    expect(finished.progress).toMatchObject({ passing: 2, total: 2 })
    expect(fileOn(repo, build.branch, 'colour.txt')).toBe('red')

    // The webhook was told of the build's progress, its end included.
    const deliveries = await waitFor(async () => {
      const { deliveries } = await body(await served.api(`/api/webhooks/${hook.id}/deliveries`))
      return deliveries.some(
        (d: { payload: { data: { status: string } } }) => d.payload.data.status === 'finished',
      )
        ? deliveries
        : undefined
    }, 'the webhook to hear of the end')
    expect(deliveries.every((d: { event: string; status: string }) => d.event === 'build.progress')).toBe(
      true,
    )
  }, 300_000)

  it("opens a build task's tools only with that task's own token, and only on its own feature", async () => {
    const { id } = await project()
    await body(
      await served.api(`/api/projects/${id}/features`, {
        features: [
          { name: 'Colour', steps: ['$ grep -qx red colour.txt'] },
          { name: 'Plain', steps: ['$ grep -qx plain plain.txt'] },
        ],
      }),
    )
    const build = await body(await served.api(`/api/projects/${id}/build`, { concurrency: 2, model }))
    const [colour, plain] = await waitFor(async () => {
      const { features } = await body(await served.api(`/api/projects/${id}/features`))
      return features.every((f: { lastTaskId: string | null }) => f.lastTaskId) ? features : undefined
    }, 'both features to be given to agents')
    const connect = async (taskId: string, token: string) => {
      const client = new Client({ name: 'probe', version: '1' })
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${served.url}/mcp/tasks/${taskId}`), {
          requestInit: { headers: { authorization: `Bearer ${token}` } },
        }),
      )
      return client
    }
    // Neither the access token nor another task's token opens them.
    await expect(connect(colour.lastTaskId, served.token)).rejects.toThrow(/401|own tool token/)
    await expect(connect(colour.lastTaskId, buildToolsToken(served.token, plain.lastTaskId))).rejects.toThrow(
      /401|own tool token/,
    )
    const client = await connect(colour.lastTaskId, buildToolsToken(served.token, colour.lastTaskId))
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'browser_click',
      'browser_open',
      'browser_read',
      'browser_screenshot',
      'browser_type',
      'feature_create_bulk',
      'feature_get_stats',
      'feature_list',
      'feature_mark_passing',
      'feature_request_human_input',
    ])
    const refused = await client.callTool({
      name: 'feature_mark_passing',
      arguments: { featureId: plain.id },
    })
    expect(refused).toMatchObject({
      isError: true,
      content: [{ text: expect.stringContaining(`this task works on feature ${colour.id}`) }],
    })
    await client.close()
    await body(await served.api(`/api/builds/${build.id}/stop`, {}))
  }, 120_000)

  it("pauses itself outside the project's schedule, and resumes on its own when a window opens", async () => {
    const { repo, id } = await project()
    const hhmm = (offsetMinutes: number) =>
      new Date(Date.now() + offsetMinutes * 60_000).toISOString().slice(11, 16)
    const schedule = (start: string) => ({
      settings: { buildSchedule: { windows: [{ start, hours: 1 }], timeZone: 'UTC' } },
    })
    // A window that opened an hour and a half ago has closed.
    await body(await served.api(`/api/projects/${id}`, schedule(hhmm(-90)), 'PATCH'))
    const refusedSchedule = await served.api(
      `/api/projects/${id}`,
      { settings: { buildSchedule: { windows: [{ start: '7pm', hours: 1 }] } } },
      'PATCH',
    )
    expect(refusedSchedule.status).toBe(400)
    await body(
      await served.api(`/api/projects/${id}/features`, {
        features: [{ name: 'Part1', steps: ['$ test -f Part1.txt'] }],
      }),
    )
    const build = await body(await served.api(`/api/projects/${id}/build`, { model }))
    const paused = await untilBuild(build.id, ['paused'], 30_000)
    expect(paused).toMatchObject({
      pausedBy: 'schedule',
      statusReason: expect.stringMatching(/outside the project's build schedule; it resumes on its own at/),
    })
    expect(paused.agents).toEqual([])
    // A window open now: the build goes on by itself.
    await body(await served.api(`/api/projects/${id}`, schedule(hhmm(-1)), 'PATCH'))
    await untilBuild(build.id, ['finished'], 60_000)
    expect(fileOn(repo, build.branch, 'Part1.txt')).toBe('done')
  }, 120_000)
})
