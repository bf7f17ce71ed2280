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
