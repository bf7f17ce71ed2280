import type { ExecRequest, ExecResult, Sandbox } from '../sandbox/sandbox.ts'

/**
 * Runs a command in the workspace and yields what it prints on stdout, a line at a time as it
 * comes (an agent's JSON lines); returns its result once it has ended.
 */
export async function* execLines(
  sandbox: Sandbox,
  request: Omit<ExecRequest, 'onOutput'>,
): AsyncGenerator<string, ExecResult> {
  const lines: string[] = []
  let partial = ''
  let wake: (() => void) | undefined
  let ended: ExecResult | undefined
  const running = sandbox
    .exec({
      ...request,
      onOutput: (stream, text) => {
        if (stream !== 'stdout') return
        const pieces = (partial + text).split('\n')
        partial = pieces.pop() ?? ''
        lines.push(...pieces.filter((line) => line.trim() !== ''))
        wake?.()
      },
    })
    .then((result) => {
      if (partial.trim() !== '') lines.push(partial)
      ended = result
      wake?.()
    })
  for (;;) {
    const line = lines.shift()
    if (line !== undefined) {
      yield line
      continue
    }
    if (ended) {
      await running
      return ended
    }
    await new Promise<void>((resolve) => {
      wake = resolve
    })
    wake = undefined
  }
}
