import { generateText } from 'ai'
import type { Task } from '../core/entities.ts'
import type { ModelClient } from '../models/model-client.ts'

const maxDiffChars = 12_000

/**
 * A commit message for the task's changes, written by the task's model from the task and the diff;
 * the task's title when no model is set or it cannot answer (a commit never waits on a model).
 */
export const generateCommitMessage = async (
  models: ModelClient,
  task: Task,
  modelId: string | undefined,
  diff: string,
): Promise<string> => {
  if (!modelId) return task.title
  try {
    const model = await models.resolve(modelId)
    const { text } = await generateText({
      model: model.languageModel,
      system:
        'You write git commit messages: a summary line in the imperative, at most 72 characters, then a blank line and a short body only if it helps. Answer with the message alone.',
      prompt: `The task: ${task.prompt.slice(0, 4000)}\n\nThe changes:\n${diff.slice(0, maxDiffChars)}`,
      maxRetries: 1,
      abortSignal: AbortSignal.timeout(60_000),
    })
    const message = text
      .trim()
      .replace(/^```\w*\n?|```$/g, '')
      .trim()
    return message === '' ? task.title : message
  } catch {
    return task.title
  }
}
