import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import { type BrowserSessions, locate, pageText } from '../browser/browser-sessions.ts'

const target = z
  .string()
  .min(1)
  .max(500)
  .describe('a button, link, field or text by its name, or a CSS selector (#id, .class, input[name=q])')

/** What the page shows now, and the errors it reported: every browser tool's answer ends with it. */
const state = async (session: Awaited<ReturnType<BrowserSessions['open']>>) => {
  const errors = session.errors.length > 0 ? `\nErrors on the page: ${session.errors.join(' | ')}` : ''
  return `Page: ${session.page.url().replace(session.origin, '') || '/'} — "${await session.page.title()}"${errors}`
}

const run = async (work: () => Promise<string>) => {
  try {
    return { content: [{ type: 'text' as const, text: await work() }] }
  } catch (error) {
    return {
      isError: true,
      content: [{ type: 'text' as const, text: (error as Error).message.split('\n')[0]! }],
    }
  }
}

/**
 * Tools that drive Chromium on the task's live preview: open a page, click, type, read its text,
 * take a screenshot the agent can look at. The preview starts on first use (the project's dev
 * command in the task's workspace).
 */
export const registerBrowserTools = (server: McpServer, browsers: BrowserSessions, taskId: string) => {
  server.registerTool(
    'browser_open',
    {
      description:
        "Open a page of the app this task builds, in Chromium, on its live preview (the project's dev command, started when needed)",
      inputSchema: { path: z.string().max(2000).default('/').describe('the path, e.g. / or /settings') },
    },
    ({ path }) =>
      run(async () => {
        const session = await browsers.open(taskId, path)
        return `${await state(session)}\n\n${await pageText(session.page)}`
      }),
  )
  server.registerTool(
    'browser_click',
    { description: 'Click something on the open page', inputSchema: { target } },
    ({ target: where }) =>
      run(async () => {
        const session = await browsers.open(taskId)
        await (await locate(session.page, where)).click()
        await session.page.waitForLoadState().catch(() => {})
        return `Clicked ${where}.\n${await state(session)}`
      }),
  )
  server.registerTool(
    'browser_type',
    {
      description: 'Type into a field of the open page (what it held is replaced)',
      inputSchema: { target, text: z.string().max(10_000) },
    },
    ({ target: where, text }) =>
      run(async () => {
        const session = await browsers.open(taskId)
        await (await locate(session.page, where)).fill(text)
        return `Typed into ${where}.\n${await state(session)}`
      }),
  )
  server.registerTool(
    'browser_read',
    {
      description: "Read the open page's text, or one element's",
      inputSchema: { target: target.optional() },
    },
    ({ target: where }) =>
      run(async () => {
        const session = await browsers.open(taskId)
        return `${await state(session)}\n\n${await pageText(session.page, where)}`
      }),
  )
  server.registerTool(
    'browser_screenshot',
    { description: 'A screenshot of the open page, to look at' },
    async () => {
      try {
        const session = await browsers.open(taskId)
        const png = await session.page.screenshot({ type: 'png' })
        return {
          content: [
            { type: 'image' as const, data: png.toString('base64'), mimeType: 'image/png' },
            { type: 'text' as const, text: await state(session) },
          ],
        }
      } catch (error) {
        return {
          isError: true,
          content: [{ type: 'text' as const, text: (error as Error).message.split('\n')[0]! }],
        }
      }
    },
  )
}
