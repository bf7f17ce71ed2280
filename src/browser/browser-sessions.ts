import { existsSync } from 'node:fs'
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core'
import { CadreError } from '../core/errors.ts'
import type { PreviewLink } from '../preview/previews.ts'

/** How long a task's page stays open after its last use. */
const idleMs = 5 * 60_000
const actionTimeoutMs = 10_000
const navigationTimeoutMs = 60_000
const launchTimeoutMs = 60_000
/** Opening or closing a page has no time limit of its own in Playwright: a wedged Chromium would hang it. */
const pageTimeoutMs = 30_000
const maxTextChars = 8000

/** Chromium stopped answering: it is left behind, and the next page is opened in a new one. */
export class BrowserStuckError extends CadreError {
  constructor(what: string) {
    super('unavailable', `Chromium did not ${what} within ${pageTimeoutMs / 1000} s; it is started again`)
  }
}

/** `work`, or a BrowserStuckError once `pageTimeoutMs` passed. */
const within = <T>(work: Promise<T>, what: string): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const stuck = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new BrowserStuckError(what)), pageTimeoutMs)
  })
  work.catch(() => {})
  return Promise.race([work, stuck]).finally(() => clearTimeout(timer))
}

export interface BrowserSessionsOptions {
  /** The task's preview, started when it does not run yet. */
  preview(taskId: string): Promise<PreviewLink>
  /** Whether the task's preview runs already (one a person opened is left running after). */
  previewRunning(taskId: string): boolean
  /** Stops the task's preview. */
  stopPreview(taskId: string): Promise<unknown>
  /** Debian's Chromium by default. */
  chromiumPath?: string
}

/** A task's page in Chromium, on its preview, with the errors it reported. */
export interface BrowserSession {
  readonly page: Page
  readonly origin: string
  /** Uncaught errors and console errors since the last page opened. */
  readonly errors: string[]
}

/**
 * Where something on the page is: a CSS selector when it looks like one (`#id`, `.class`,
 * `input[name=q]`, `css=…`), else the button, link, field (by label or placeholder) or text of
 * that name, the first one shown.
 */
export const locate = async (page: Page, target: string): Promise<Locator> => {
  const css = target.startsWith('css=')
    ? target.slice(4)
    : /^[#.[]|^\w+[[.#:]/.test(target)
      ? target
      : undefined
  if (css) return page.locator(css).first()
  for (const candidate of [
    page.getByRole('button', { name: target }),
    page.getByRole('link', { name: target }),
    page.getByLabel(target),
    page.getByPlaceholder(target),
    page.getByText(target),
  ]) {
    if ((await candidate.count()) > 0) return candidate.first()
  }
  throw new CadreError(
    'bad_request',
    `nothing on the page matches "${target}" (no button, link, field or text of that name)`,
  )
}

/** The page's text (or an element's), as a person reads it, shortened. */
export const pageText = async (page: Page, target?: string): Promise<string> => {
  const element = target ? await locate(page, target) : page.locator('body')
  // biome-ignore lint/performance/useDomNodeTextContent: the text as shown, as a person reads it
  const text = await element.innerText()
  return text.length > maxTextChars
    ? `${text.slice(0, maxTextChars)}\n… (${text.length - maxTextChars} more characters)`
    : text
}

/**
 * Chromium driven for tasks: one page per task, on the task's live preview (its own origin, its
 * token traded for a cookie like a person's browser would), closed after a few idle minutes. The
 * browser itself starts on first use and is shared; playwright-core is loaded only then.
 */
export const createBrowserSessions = (options: BrowserSessionsOptions) => {
  const chromiumPath = options.chromiumPath ?? process.env.CADRE_CHROMIUM ?? '/usr/bin/chromium'
  let browser: Promise<Browser> | undefined
  const sessions = new Map<
    string,
    { context: BrowserContext; session: BrowserSession; timer: NodeJS.Timeout; ownPreview: boolean }
  >()

  const launch = () => {
    browser ??= (async () => {
      if (!existsSync(chromiumPath)) {
        throw new CadreError(
          'unavailable',
          `browser checks need Chromium, and there is none at ${chromiumPath}: install it (apt-get install chromium) or set CADRE_CHROMIUM`,
        )
      }
      const { chromium } = await import('playwright-core')
      return chromium.launch({
        executablePath: chromiumPath,
        // Nothing of its own on the network (updates, sync, first-run pages): it only opens previews.
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
        timeout: launchTimeoutMs,
      })
    })()
    browser.catch(() => {
      browser = undefined
    })
    return browser
  }

  /** Opens a path of the preview; what the page reported before is forgotten. */
  const visit = async (session: BrowserSession, path: string) => {
    session.errors.length = 0
    await session.page.goto(new URL(path, session.origin).href, { waitUntil: 'domcontentloaded' })
  }

  /** A Chromium that stopped answering: forgotten with its pages, closed in the background. */
  const abandon = () => {
    const stuck = browser
    browser = undefined
    for (const held of sessions.values()) clearTimeout(held.timer)
    sessions.clear()
    void stuck?.then((old) => old.close()).catch(() => {})
  }

  const close = async (taskId: string) => {
    const held = sessions.get(taskId)
    if (!held) return
    sessions.delete(taskId)
    clearTimeout(held.timer)
    await within(held.context.close(), 'close a page').catch(() => {})
    if (held.ownPreview) await options.stopPreview(taskId).catch(() => {})
  }

  return {
    /** The task's page, opened on its preview at `path` when asked or when it has none yet. */
    async open(taskId: string, path?: string): Promise<BrowserSession> {
      const held = sessions.get(taskId)
      if (held) {
        held.timer.refresh()
        if (path !== undefined) await visit(held.session, path)
        return held.session
      }
      const ownPreview = !options.previewRunning(taskId)
      const preview = await options.preview(taskId)
      let context: BrowserContext
      let page: Page
      try {
        context = await within(
          (await launch()).newContext({ viewport: { width: 1280, height: 800 } }),
          'open a page',
        )
        page = await within(context.newPage(), 'open a page')
      } catch (error) {
        if (error instanceof BrowserStuckError) abandon()
        throw error
      }
      page.setDefaultTimeout(actionTimeoutMs)
      page.setDefaultNavigationTimeout(navigationTimeoutMs)
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      // A failed load is told by its response (with its address), not by the console's line.
      page.on('console', (message) => {
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
          errors.push(message.text())
      })
      page.on('response', (response) => {
        const where = new URL(response.url()).pathname
        if (response.status() >= 400 && where !== '/favicon.ico')
          errors.push(`${response.status()} for ${where}`)
      })
      const session = { page, origin: preview.origin, errors }
      sessions.set(taskId, {
        context,
        session,
        timer: setTimeout(() => void close(taskId), idleMs).unref(),
        ownPreview,
      })
      try {
        // The token link sets the preview's cookie and lands on its first page.
        await page.goto(preview.url, { waitUntil: 'domcontentloaded' })
        if (path !== undefined && path !== '/') await visit(session, path)
      } catch (error) {
        await close(taskId)
        throw error
      }
      return session
    },
    /** The task's page as it is now, if it has one: nothing is opened. */
    current(taskId: string): BrowserSession | undefined {
      return sessions.get(taskId)?.session
    },
    close,
    async closeAll() {
      await Promise.all([...sessions.keys()].map((taskId) => close(taskId)))
      const running = browser
      browser = undefined
      await (await running?.catch(() => undefined))?.close()
    },
  }
}

export type BrowserSessions = ReturnType<typeof createBrowserSessions>
