import { z } from 'zod'
import { defineTool } from './define-tool.ts'

const defaultTimeoutSeconds = 120
const maxTimeoutSeconds = 600

export const bashTool = defineTool({
  name: 'bash',
  description:
    'Run a shell command in the workspace (bash -c) and get its exit code and output. Use it to build, ' +
    'test, run git and other programs; use the file tools to read and change files. Times out after ' +
    `${defaultTimeoutSeconds} s unless timeout_seconds says otherwise (at most ${maxTimeoutSeconds}).`,
  input: z.strictObject({
    command: z.string().trim().min(1),
    cwd: z.string().min(1).optional().describe('directory relative to the workspace root'),
    timeout_seconds: z.int().min(1).max(maxTimeoutSeconds).optional(),
  }),
  readOnly: false,
  kind: 'command',
  async run(
    { command, cwd, timeout_seconds = defaultTimeoutSeconds },
    { sandbox, signal, onOutput, onProcessStart, env },
  ) {
    const result = await sandbox.exec({
      command: ['bash', '-c', command],
      cwd,
      env,
      onStart: onProcessStart,
      timeoutMs: timeout_seconds * 1000,
      signal,
      onOutput: onOutput && ((_stream, text) => onOutput(text)),
    })
    const status = result.timedOut
      ? `timed out after ${timeout_seconds} s; the command and everything it started were stopped`
      : result.cancelled
        ? 'cancelled; the command and everything it started were stopped'
        : result.outOfMemory
          ? `exit code ${result.exitCode}: killed for going over the workspace's memory limit`
          : result.exitCode === null
            ? `ended by signal ${result.signal}`
            : `exit code ${result.exitCode}`
    const parts = [status]
    if (result.stdout) parts.push(result.stdout.trimEnd())
    if (result.stderr) parts.push(`[stderr]\n${result.stderr.trimEnd()}`)
    if (result.truncated) parts.push('[output beyond 1 MiB per stream was not kept]')
    return { output: parts.join('\n'), exitCode: result.exitCode }
  },
})
