import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, chromium, type Page } from 'playwright-core'

const root = join(import.meta.dirname, '..', '..')

/** Where UI tests save their screenshots (look at them: they are how the UI is judged). */
export const screenshotsDir = join(root, 'test-results', 'ui')

/** Debian's Chromium, headless, with nothing of its own reaching the network (a fresh profile each launch). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CADRE_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })

/** A page in a fresh browser context (no cookie yet) that remembers every console error it saw. */
export const openPage = async (browser: Browser, viewport = { width: 1280, height: 800 }) => {
  const page: Page = await (await browser.newContext({ viewport })).newPage()
  const errors: string[] = []
  page.on('console', (message) => message.type() === 'error' && errors.push(message.text()))
  page.on('pageerror', (error) => errors.push(String(error)))
  return {
    page,
    errors,
    async screenshot(name: string) {
      mkdirSync(screenshotsDir, { recursive: true })
      await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true })
    },
  }
}
