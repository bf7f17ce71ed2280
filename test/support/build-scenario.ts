import { execFileSync } from 'node:child_process'
import type { ScenarioInput } from '../../src/sim/scenario.ts'

type Rule = NonNullable<ScenarioInput['rules']>[number]

/** A shell command as the agent's one tool call when its feature's task starts; then it says it is done. */
export const onFeature = (pattern: string, command: string): Rule => ({
  when: { lastUserMessage: { contains: pattern }, toolResult: 'none' },
  reply: [{ toolCall: { tool: 'bash', input: { command } } }],
})

/**
 * The feature Colour: its agent asks a person which colour (red or blue) through its feature tool
 * and ends its turn; given the answer, it writes colour.txt.
 */
export const colourRules: Rule[] = [
  {
    when: { lastUserMessage: { contains: 'A person answered' }, lastToolResult: { contains: 'Asked' } },
    reply: [{ toolCall: { tool: 'bash', input: { command: 'echo red > colour.txt' } } }],
  },
  { when: { lastUserMessage: { contains: 'A person answered' } }, reply: [{ text: 'Red it is.' }] },
  {
    when: { lastUserMessage: { contains: 'Feature: Colour' }, toolResult: 'none' },
    reply: [
      {
        toolCall: {
          tool: 'feature_request_human_input',
          input: { question: 'Which colour?', options: ['red', 'blue'] },
        },
      },
    ],
  },
]

/** A file as committed on a branch of the repository, or undefined when it is not there. */
export const fileOn = (repo: string, branch: string, path: string): string | undefined => {
  try {
    return execFileSync('git', ['-C', repo, 'show', `${branch}:${path}`], {
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim()
  } catch {
    return undefined
  }
}

type Api = (path: string) => Promise<{ json(): Promise<unknown> }>

/** What a build, its features and its tasks' events were: for a failing test to explain itself. */
export const printBuild = async (api: Api, buildId: string, projectId: string) => {
  const read = async (path: string) => JSON.stringify(await (await api(path)).json(), null, 1)
  console.log(await read(`/api/builds/${buildId}`), await read(`/api/projects/${projectId}/features`))
  const { tasks } = (await (await api(`/api/tasks?projectId=${projectId}`)).json()) as {
    tasks: { id: string; title: string; status: string; statusReason: string | null }[]
  }
  for (const task of tasks) {
    const { events } = (await (await api(`/api/tasks/${task.id}/events`)).json()) as {
      events: { type: string; data: unknown }[]
    }
    const lines = events.map((event) => `${event.type} ${JSON.stringify(event.data).slice(0, 300)}`)
    console.log(`${task.id} ${task.title} ${task.status} ${task.statusReason ?? ''}\n${lines.join('\n')}`)
  }
}
