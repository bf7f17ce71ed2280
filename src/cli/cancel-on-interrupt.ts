import { type Client, readJson } from './client.ts'

/**
 * Ctrl-C at the terminal cancels the task on the server (its agents and what they started end
 * there too), then exits 130. Returns what stops listening once the task is over.
 */
export const cancelOnInterrupt = (client: Client, url: string, taskId: string): (() => void) => {
  const interrupted = () => {
    void readJson(
      client.api.tasks[':id'].cancel.$post({
        param: { id: taskId },
        json: { reason: 'interrupted at the terminal' },
      }),
      url,
    ).finally(() => process.exit(130))
  }
  process.once('SIGINT', interrupted)
  return () => process.removeListener('SIGINT', interrupted)
}
