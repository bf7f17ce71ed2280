import type { z } from 'zod'
import type { ActionKind } from '../../core/action-kind.ts'
import { CadreError } from '../../core/errors.ts'
import type { Sandbox } from '../../sandbox/sandbox.ts'

/** What a tool works with while it runs. */
export interface ToolContext {
  sandbox: Sandbox
  /** Aborted when the run is cancelled. */
  signal: AbortSignal
  /** Live output (a command's), shown as it comes; the result is returned at the end. */
  onOutput?: (text: string) => void
  /** Told the id of each process group a tool starts, so it can be ended after a crash. */
  onProcessStart?: (processGroup: number) => void
  /** Added to the environment of every process a tool starts (marks them as this run's). */
  env?: Readonly<Record<string, string>>
}

/** What the model gets back: a failure is a value it can read and act on, never a throw. */
export interface ToolResult {
  output: string
  isError: boolean
  /** A command's exit code (null: ended by a signal). */
  exitCode?: number | null
}

/** What a tool's run gives back: its output, and a command's exit code. */
export type ToolOutput = string | { output: string; exitCode: number | null }

export interface ToolSpec<Input> {
  name: string
  /** Short and precise: the model reads it on every call. */
  description: string
  input: z.ZodType<Input>
  /** The schema the model is shown, when the tool brings its own (an MCP server's); else `input`'s. */
  jsonSchema?: object
  /** Changes nothing: allowed in plan mode, and may simply run again after a crash. */
  readOnly: boolean
  /** What its calls do, in Cadre's vocabulary shared by every agent. */
  kind: ActionKind
  run(input: Input, context: ToolContext): Promise<ToolOutput>
}

export interface Tool<Input = unknown> extends ToolSpec<Input> {
  /** Validates the model's input, runs the tool, and shapes any failure or oversized output. */
  execute(rawInput: unknown, context: ToolContext): Promise<ToolResult>
}

/** Output beyond this is cut, with a note saying how to see the rest. */
export const maxToolOutputChars = 30_000

const truncated = (output: string) =>
  output.length <= maxToolOutputChars
    ? output
    : `${output.slice(0, maxToolOutputChars)}\n[output truncated: showed ${maxToolOutputChars} of ${output.length} characters; ask for less, e.g. a line range or a narrower pattern]`

const describeIssues = (error: z.ZodError) =>
  error.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`).join('; ')

/** One tool: input validated by its zod schema, failures returned to the model as text. */
export const defineTool = <Input>(spec: ToolSpec<Input>): Tool<Input> => ({
  ...spec,
  async execute(rawInput, context) {
    const parsed = spec.input.safeParse(rawInput)
    if (!parsed.success) {
      return { output: `invalid input for ${spec.name}: ${describeIssues(parsed.error)}`, isError: true }
    }
    try {
      const result = await spec.run(parsed.data, context)
      // A command that did not exit 0 failed, as every agent's events say it (and the model is told so).
      return typeof result === 'string'
        ? { output: truncated(result), isError: false }
        : { output: truncated(result.output), isError: result.exitCode !== 0, exitCode: result.exitCode }
    } catch (error) {
      if (error instanceof CadreError) return { output: error.message, isError: true }
      throw error
    }
  },
})
