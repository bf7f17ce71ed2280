import { z } from 'zod'
import { defineEvent } from './define-event.ts'

/** A task's live preview: started, ended, and the errors its page reported (its output is live-only). */
export const previewEventDefinitions = [
  defineEvent(
    'preview.started',
    z.object({
      url: z.string().describe("the preview's own origin (its token is not in it)"),
      devPort: z.number().int().describe('where the dev server listens in the workspace'),
      command: z.string(),
    }),
    { durable: true, description: "The project's dev command serves the task's work, previewed at url." },
  ),
  defineEvent(
    'preview.stopped',
    z.object({
      reason: z.string().describe('stopped on request, with the workspace, or the dev command ended'),
      exitCode: z.number().int().nullable(),
      output: z.string().describe('the end of what the dev command printed'),
    }),
    { durable: true, description: "The task's preview ended." },
  ),
  defineEvent(
    'preview.error',
    z.object({
      kind: z.enum(['error', 'unhandledrejection', 'console']),
      message: z.string(),
      stack: z.string().optional(),
      source: z.string().optional().describe('file (URL) where it was thrown'),
      line: z.number().int().optional(),
      column: z.number().int().optional(),
      page: z.string().optional().describe('the page it happened on'),
      count: z.number().int().min(1).describe('how many times it happened in this batch'),
    }),
    { durable: true, description: 'The previewed page threw, rejected or logged an error.' },
  ),
] as const
