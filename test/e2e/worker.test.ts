import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CadreEvent } from '../../src/core/events/registry.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { runCli, waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'
import { connectStream } from '../support/stream-client.ts'

const scenario: ScenarioInput = {
  name: 'worker',
  rules: [
    {
      when: { lastUserMessage: { contains: 'plan the greeting' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'list_files', input: {} } }],
    },
    {
      when: { lastUserMessage: { contains: 'plan the greeting' } },
      reply: [{ text: 'Plan: 1. add GREETING.md. 2. check it with git status.' }],
    },
    {
      when: { lastUserMessage: { contains: 'not approved' } },
      reply: [{ text: 'Revised plan: 1. add GREETING.md with a title. 2. check it.' }],
    },
    {
      when: { lastToolResult: { contains: 'wrote GREETING.md' } },
      reply: [{ text: 'Carried out the plan.' }],
    },
    {
      when: { lastUserMessage: { contains: 'plan is approved' } },
      reply: [{ toolCall: { tool: 'write_file', input: { path: 'GREETING.md', content: '# Hello\n' } } }],
    },
    { when: { lastUserMessage: { contains: 'just answer' } }, reply: [{ text: 'Nothing to change.' }] },
    { when: { lastUserMessage: { contains: 'also' } }, reply: [{ text: 'Also done, as you asked.' }] },
    { when: { lastToolResult: { contains: 'denied' } }, reply: [{ text: 'Understood, I will not push.' }] },
    {
      when: { lastUserMessage: { contains: 'publish' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'git push origin main' } } }],
    },
    {
      when: { lastUserMessage: { contains: 'publish' } },
      reply: [{ text: 'Tried to push: {{lastToolResult}}' }],
    },
    {
      when: { lastUserMessage: { contains: 'take your time' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 1' } } }],
    },
    {
      when: { lastUserMessage: { contains: 'sleep' }, toolResult: 'none' },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 30' } } }],
    },
    {
      when: { toolResult: 'none' },
      reply: [
        { text: 'Writing it.' },
        { toolCall: { tool: 'write_file', input: { path: 'NOTES.md', content: '# Notes\n' } } },
      ],
    },
    {
      when: { lastToolResult: { contains: 'wrote NOTES.md' } },
      reply: [{ toolCall: { tool: 'bash', input: { command: 'git status --short' } } }],
    },
    { reply: [{ text: 'Added NOTES.md and checked git status.' }] },
  ],
}

/** A model that streams slowly and a command that prints for a while, for subscribers joining mid-block. */
const streaming: ScenarioInput = {
  name: 'streaming',
  pace: { tokensPerSecond: 60 },
  rules: [
    {
      when: { toolResult: 'none' },
      reply: [
        {
          text: 'Let me look around the repository first, one file at a time, and then count slowly to six so that you can watch it happen.',
        },
        {
          toolCall: {
            tool: 'bash',
            input: { command: 'for i in 1 2 3 4 5 6; do echo "line $i"; sleep 0.25; done' },
          },
        },
      ],
    },
    { reply: [{ text: 'Counted.' }] },
  ],
}

describe('cadre serve runs queued tasks with the built-in agent', () => {
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let url: string
  let token: string
  let home: string
  let api: Awaited<ReturnType<typeof serveWithSimulator>>['api']
  let settled: Awaited<ReturnType<typeof serveWithSimulator>>['settled']
  let workspaceOf: Awaited<ReturnType<typeof serveWithSimulator>>['workspaceOf']
  let projectId: string
  let repo: string

  beforeAll(async () => {
    served = await serveWithSimulator([scenario, streaming])
    ;({ url, token, home, api, settled, workspaceOf } = served)
    repo = createGitRepo()
    projectId = (await (await api('/api/projects', { path: repo })).json()).id
  })
  afterAll(() => served.close())

  const create = async (
    prompt: string,
    model: string | null = 'anthropic:claude-sonnet-4-5',
    project = projectId,
    mode?: 'plan' | 'default' | 'auto',
  ) =>
    (await (await api('/api/tasks', { projectId: project, prompt, mode, ...(model && { model }) })).json())
      .id as string

  it('runs a task to review when it changed the workspace, recording every step and its cost', async () => {
    const id = await create('Add a NOTES.md file')
    const task = await settled(id, ['review', 'failed'])
    expect(task).toMatchObject({ status: 'review' })
    expect(readFileSync(join(await workspaceOf(id), 'NOTES.md'), 'utf8')).toBe('# Notes\n')
    expect(existsSync(join(repo, 'NOTES.md'))).toBe(false) // the task's worktree, not the checkout
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    const types = events.map((e: { type: string }) => e.type)
    expect(types.slice(0, 4)).toEqual([
      'task.created',
      'thread.created',
      'message.user',
      'task.status_changed',
    ])
    expect(types.filter((t: string) => t === 'tool.finished')).toHaveLength(2)
    expect(events.at(-1)).toMatchObject({
      type: 'task.status_changed',
      data: { from: 'running', to: 'review', action: 'finish_with_changes' },
    })
    expect(task.runs).toEqual([
      expect.objectContaining({ status: 'succeeded', outcome: 'finished with changes' }),
    ])
    expect(task.runs[0].usage.inputTokens).toBeGreaterThan(0)
    expect(task.runs[0].costUsd).toBeGreaterThan(0)
    expect(task).toMatchObject({ usage: task.runs[0].usage, costUsd: task.runs[0].costUsd })
  })

  it('finishes a task as done when nothing changed, and fails one with no model, saying why', async () => {
    const clean = (await (await api('/api/projects', { path: createGitRepo('clean') })).json()).id
    const answered = await settled(await create('just answer: what is this repo?', undefined, clean), [
      'done',
      'review',
      'failed',
    ])
    expect(answered).toMatchObject({
      status: 'done',
      runs: [expect.objectContaining({ outcome: 'finished' })],
    })

    const unmodelled = await settled(await create('no model here', null), ['failed'])
    expect(unmodelled.runs[0]).toMatchObject({
      status: 'failed',
      outcome: expect.stringMatching(/^no model chosen/),
    })
    const { events } = await (await api(`/api/tasks/${unmodelled.id}/events`)).json()
    expect(events.at(-1).data).toMatchObject({
      to: 'failed',
      reason: expect.stringMatching(/^no model chosen/),
    })
  })

  it('cancels a running task promptly, ending its command', async () => {
    const id = await create('sleep for a while')
    await waitFor(async () => {
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      return events.some((e: { type: string }) => e.type === 'tool.started') ? true : undefined
    }, 'the command to start')
    const started = performance.now()
    expect((await api(`/api/tasks/${id}/cancel`, {})).status).toBe(200)
    const task = await waitFor(async () => {
      const current = await (await api(`/api/tasks/${id}`)).json()
      return current.runs[0]?.status === 'cancelled' ? current : undefined
    }, 'the run to end').catch(async (error: Error) => {
      // Rare on a loaded machine: say what the run and the server were doing.
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      const runs = (await (await api(`/api/tasks/${id}`)).json()).runs
      throw new Error(
        `${error.message}\nruns: ${JSON.stringify(runs)}\nevents: ${JSON.stringify(events.map((e: { type: string }) => e.type))}\nserver: ${served.server.output.stderr.slice(-4000)}`,
      )
    })
    expect(task.status).toBe('cancelled')
    expect(performance.now() - started).toBeLessThan(5000)
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    expect(events.find((e: { type: string }) => e.type === 'tool.finished').data.output).toMatch(
      /^cancelled; the command and everything it started were stopped/,
    )
  })

  it('sends a subscriber that joins mid-block the block so far, then the rest', async () => {
    const clean = (await (await api('/api/projects', { path: createGitRepo('streaming') })).json()).id
    const id = await create('count for me', 'anthropic:streaming', clean)
    await using early = await connectStream(url, token)
    early.send({ op: 'subscribe', taskId: id, after: 0 })
    const pieces = (stream: typeof early, type: 'assistant.delta' | 'tool.output') =>
      stream.events().filter((e) => e.type === type) as Extract<CadreEvent, { type: typeof type }>[]
    // Each late subscriber joins after the block has begun: its first piece is the text so far.
    const joinAfter = async (type: 'assistant.delta' | 'tool.output', count: number) => {
      await early.until(() => pieces(early, type).length >= count)
      const late = await connectStream(url, token)
      late.send({ op: 'subscribe', taskId: id, after: 0 })
      return late
    }
    await using lateForText = await joinAfter('assistant.delta', 3)
    await using lateForOutput = await joinAfter('tool.output', 2)
    await early.until(() =>
      early.stored().some((e) => e.type === 'task.status_changed' && e.data.to === 'done'),
    )
    await lateForOutput.until(() =>
      lateForOutput.stored().some((e) => e.type === 'task.status_changed' && e.data.to === 'done'),
    )

    const reply = early.stored().find((e) => e.type === 'message.assistant')!
    const whole = (stream: typeof early, type: 'assistant.delta' | 'tool.output') => {
      const [first, ...rest] = pieces(stream, type)
      return { first, text: [first, ...rest].map((e) => e?.data.text).join('') }
    }
    const text = whole(lateForText, 'assistant.delta')
    expect(text.first?.data).toMatchObject({ snapshot: true })
    expect(text.first?.data.text.length).toBeGreaterThan(0)
    expect(text.text).toBe(`${reply.data.text}Counted.`)
    const output = whole(lateForOutput, 'tool.output')
    expect(output.first?.data).toMatchObject({
      snapshot: true,
      text: expect.stringMatching(/^line 1\nline 2\n/),
    })
    expect(output.text).toBe(whole(early, 'tool.output').text)
    expect(output.text).toBe('line 1\nline 2\nline 3\nline 4\nline 5\nline 6\n')
    // Blocks that ended are not sent again to a subscriber that joins afterwards.
    await using after = await connectStream(url, token)
    after.send({ op: 'subscribe', taskId: id, after: 0 })
    await after.until(() =>
      after.stored().some((e) => e.type === 'task.status_changed' && e.data.to === 'done'),
    )
    expect(after.events().filter((e) => !('seq' in e))).toEqual([])
  })

  it('delivers a message sent mid-run at the next step, in the same run', async () => {
    const clean = (await (await api('/api/projects', { path: createGitRepo('follow-up') })).json()).id
    const id = await create('take your time', 'anthropic:claude-sonnet-4-5', clean)
    await waitFor(async () => {
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      return events.some((e: { type: string }) => e.type === 'tool.started') ? true : undefined
    }, 'the command to start')
    expect((await api(`/api/tasks/${id}/messages`, { text: 'also mention the README' })).status).toBe(201)
    const task = await settled(id, ['done', 'review', 'failed'])
    expect(task).toMatchObject({ status: 'done', runs: [expect.objectContaining({ status: 'succeeded' })] })
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    // The message came while the command ran; the model got it at the next step, in the same run.
    const tail = events
      .map((e: { type: string; data: { text?: string } }) =>
        e.data.text ? `${e.type}: ${e.data.text}` : e.type,
      )
      .filter((line: string) => line !== 'tool.process' && line !== 'checkpoint.created')
      .slice(-5)
    expect(tail).toEqual([
      'message.user: also mention the README',
      'tool.finished',
      'message.assistant: Also done, as you asked.',
      'step.finished',
      'task.status_changed',
    ])
  })

  it('asks before a call the policy marks, waits for a person, and goes on as they decide', async () => {
    const guarded = (await (await api('/api/projects', { path: createGitRepo('guarded') })).json()).id
    const askForPush = () =>
      api(
        `/api/projects/${guarded}`,
        { settings: { policy: { rules: [{ tool: 'bash', pattern: 'git push*', action: 'ask' }] } } },
        'PATCH',
      )
    await askForPush()
    const publish = () => create('publish the branch', 'anthropic:claude-sonnet-4-5', guarded, 'default')
    const ask = async () => {
      const id = await publish()
      const waiting = await settled(id, ['needs_input', 'failed', 'done', 'review'])
      expect(waiting.status).toBe('needs_input')
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      const request = events.find((e: { type: string }) => e.type === 'approval.requested')
      expect(request.data).toMatchObject({
        tool: 'bash',
        input: { command: 'git push origin main' },
        reason: expect.stringContaining('git push*'),
      })
      expect(events.some((e: { type: string }) => e.type === 'tool.started')).toBe(false) // nothing ran yet
      return { id, approvalId: request.data.approvalId as string }
    }

    const allowed = await ask()
    const answer = await api(`/api/tasks/${allowed.id}/approvals/${allowed.approvalId}`, {
      decision: 'allow',
      remember: true,
    })
    expect(await answer.json()).toMatchObject({ status: 'queued' })
    const done = await settled(allowed.id, ['done', 'review', 'failed'])
    expect(done.runs.map((run: { status: string }) => run.status)).toEqual(['succeeded', 'succeeded'])
    const [first, second] = done.runs as { costUsd: number; usage: { inputTokens: number } }[]
    expect(done.usage.inputTokens).toBe((first?.usage.inputTokens ?? 0) + (second?.usage.inputTokens ?? 0))
    expect(done.costUsd).toBeCloseTo((first?.costUsd ?? 0) + (second?.costUsd ?? 0), 10)
    const after = (await (await api(`/api/tasks/${allowed.id}/events`)).json()).events
    expect(after.find((e: { type: string }) => e.type === 'tool.finished').data.output).toMatch(
      /^exit code 128/,
    ) // it ran: no remote here
    const again = await api(`/api/tasks/${allowed.id}/approvals/${allowed.approvalId}`, { decision: 'deny' })
    expect(again.status).toBe(409)
    const project = await (await api(`/api/projects/${guarded}`)).json()
    expect(project.settings.policy.rules[0]).toEqual({
      tool: 'bash',
      pattern: 'git push origin main',
      action: 'allow',
    })

    // Remembered: the same call now runs without asking.
    const trusted = await publish()
    expect((await settled(trusted, ['done', 'review', 'failed', 'needs_input'])).status).not.toBe(
      'needs_input',
    )

    await askForPush() // forget the remembered rule
    const denied = await ask()
    const cli = await runCli(['task', 'approve', denied.id, denied.approvalId, '--deny'], {
      CADRE_HOME: home,
      CADRE_TOKEN: '',
      CADRE_URL: '',
    })
    expect(cli).toMatchObject({ code: 0, stdout: `Denied; task ${denied.id} is queued\n` })
    await settled(denied.id, ['done', 'review', 'failed'])
    const events = (await (await api(`/api/tasks/${denied.id}/events`)).json()).events
    expect(events.find((e: { type: string }) => e.type === 'tool.finished').data).toMatchObject({
      isError: true,
      output: expect.stringMatching(/^A person denied/),
    })
    expect(events.filter((e: { type: string }) => e.type === 'message.assistant').at(-1).data.text).toBe(
      'Understood, I will not push.',
    )
    expect((await api(`/api/tasks/${denied.id}/approvals/nope`, { decision: 'allow' })).status).toBe(404)
  })

  it('ends a plan-mode run with its plan for approval; refused it plans again, approved it carries it out', async () => {
    const planned = createGitRepo('planned')
    const project = (await (await api('/api/projects', { path: planned })).json()).id
    const id = await create('plan the greeting', 'anthropic:claude-sonnet-4-5', project, 'plan')
    const approval = async (count: number) => {
      await settled(id, ['needs_input', 'failed', 'review', 'done'])
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      const requests = events.filter((e: { type: string }) => e.type === 'approval.requested')
      expect(requests).toHaveLength(count)
      return requests.at(-1).data
    }
    const first = await approval(1)
    expect(first).toMatchObject({
      kind: 'plan',
      tool: 'plan',
      input: { plan: 'Plan: 1. add GREETING.md. 2. check it with git status.' },
    })
    expect(existsSync(join(await workspaceOf(id), 'GREETING.md'))).toBe(false)

    const refused = await api(`/api/tasks/${id}/approvals/${first.approvalId}`, {
      decision: 'deny',
      message: 'Give it a title.',
    })
    expect(refused.status).toBe(200)
    const second = await approval(2)
    expect(second.input.plan).toBe('Revised plan: 1. add GREETING.md with a title. 2. check it.')

    const approved = await api(`/api/tasks/${id}/approvals/${second.approvalId}`, {
      decision: 'allow',
      mode: 'auto',
    })
    expect(await approved.json()).toMatchObject({ status: 'queued', mode: 'auto' })
    const task = await settled(id, ['review', 'failed', 'done'])
    expect(task).toMatchObject({ status: 'review', mode: 'auto' })
    expect(readFileSync(join(await workspaceOf(id), 'GREETING.md'), 'utf8')).toBe('# Hello\n')
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    const said = events
      .filter((e: { type: string }) => e.type === 'message.user')
      .map((e: { data: { text: string } }) => e.data.text)
    expect(said.slice(1)).toEqual([
      'Your plan is not approved. Give it a title. Revise it and propose it again.',
      'Your plan is approved. Carry it out now.',
    ])
    expect(
      events.find((e: { type: string; data: { decision?: string } }) => e.data.decision === 'allow').data,
    ).toMatchObject({ mode: 'auto' })
  })

  it("holds a global deny over a project's allow", async () => {
    const trusting = (await (await api('/api/projects', { path: createGitRepo('trusting') })).json()).id
    await api(
      `/api/projects/${trusting}`,
      { settings: { policy: { rules: [{ tool: 'bash', pattern: 'git push*', action: 'allow' }] } } },
      'PATCH',
    )
    const forbid = { policy: { rules: [{ tool: 'bash', pattern: 'git push*', action: 'deny' }] } }
    expect((await api('/api/settings', forbid, 'PATCH')).status).toBe(200)
    try {
      const id = await create('publish the branch', 'anthropic:claude-sonnet-4-5', trusting)
      await settled(id, ['done', 'review', 'failed'])
      const { events } = await (await api(`/api/tasks/${id}/events`)).json()
      expect(events.find((e: { type: string }) => e.type === 'tool.finished').data).toMatchObject({
        isError: true,
        output: 'Not allowed: the rule bash "git push*" of the global policy says deny for bash.',
      })
    } finally {
      await api('/api/settings', { policy: null }, 'PATCH')
    }
  })

  it("stops runs at the project's daily budget, and refuses to start once the day is spent", async () => {
    const frugal = (await (await api('/api/projects', { path: createGitRepo('frugal') })).json()).id
    await api(`/api/projects/${frugal}`, { settings: { budget: { dailyCostUsd: 0.001 } } }, 'PATCH')
    const first = await settled(await create('Add a NOTES.md file', 'anthropic:claude-sonnet-4-5', frugal), [
      'failed',
      'review',
      'done',
    ])
    expect(first).toMatchObject({
      status: 'failed',
      statusReason: expect.stringMatching(/^stopped: the project's daily budget of \$0\.001 is spent/),
    })
    // Counted as each step ended: the run's total is what its steps cost.
    const { events } = await (await api(`/api/tasks/${first.id}/events`)).json()
    const steps = events.filter((e: { type: string }) => e.type === 'step.finished')
    expect(steps).toHaveLength(1)
    expect(first.runs[0].costUsd).toBeCloseTo(steps[0].data.costUsd, 10)
    expect(first.runs[0].usage).toEqual(steps[0].data.usage)
    const second = await settled(await create('Add a NOTES.md file', 'anthropic:claude-sonnet-4-5', frugal), [
      'failed',
      'review',
      'done',
    ])
    expect(second.statusReason).toMatch(
      /^stopped: the project's daily budget of \$0\.001 is spent \(\$0\.\d{4} today\)/,
    )
    expect(second.runs[0]).toMatchObject({ status: 'failed' })
  })
})
