import { CadreError } from '../core/errors.ts'
import type { Verification } from '../features/features.ts'
import { type BrowserSessions, BrowserStuckError, locate, pageText } from './browser-sessions.ts'

/**
 * A feature's step that Cadre checks in a browser: `browser: <action>; <action>; …`, where an
 * action is `open <path>`, `click <target>`, `type <target> = <text>`, `see <text>`, `not see
 * <text>` or `no errors`. A target is a button, link, field or text by its name, or a CSS selector.
 */
export const browserStepPrefix = 'browser:'

/** How long `see` and `not see` wait for the page to come true. */
const textWaitMs = 10_000

export type BrowserAction =
  | { kind: 'open'; path: string }
  | { kind: 'click'; target: string }
  | { kind: 'type'; target: string; text: string }
  | { kind: 'see' | 'not see'; text: string }
  | { kind: 'no errors' }

/** The browser steps of a feature, as written. */
export const browserSteps = (steps: readonly string[]): string[] =>
  steps.filter((step) => step.startsWith(browserStepPrefix))

/** A browser step's actions, or a CadreError saying which part cannot be read and what can. */
export const parseBrowserStep = (step: string): BrowserAction[] =>
  step
    .slice(browserStepPrefix.length)
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part): BrowserAction => {
      const [, verb = '', rest = ''] = part.match(/^(open|click|type|not see|see|no errors)\b\s*(.*)$/i) ?? []
      const argument = rest.trim()
      switch (verb.toLowerCase()) {
        case 'open':
          return { kind: 'open', path: argument || '/' }
        case 'click':
          if (argument) return { kind: 'click', target: argument }
          break
        case 'type': {
          const [target, ...text] = argument.split('=')
          if (target?.trim() && text.length > 0)
            return { kind: 'type', target: target.trim(), text: text.join('=').trim() }
          break
        }
        case 'see':
        case 'not see':
          if (argument) return { kind: verb.toLowerCase() as 'see' | 'not see', text: argument }
          break
        case 'no errors':
          return { kind: 'no errors' }
      }
      throw new CadreError(
        'bad_request',
        `cannot read the browser action "${part}": write open <path>, click <target>, type <target> = <text>, see <text>, not see <text> or no errors, separated by ";"`,
      )
    })

const describe = (action: BrowserAction) =>
  action.kind === 'open'
    ? `open ${action.path}`
    : action.kind === 'click'
      ? `click ${action.target}`
      : action.kind === 'type'
        ? `type ${action.target} = ${action.text}`
        : action.kind === 'no errors'
          ? 'no errors'
          : `${action.kind} ${action.text}`

/**
 * Runs a feature's browser steps against the task's preview, in a fresh page each: the first
 * action that fails fails the check, with what the page showed then.
 */
export const runBrowserChecks = async (
  browsers: BrowserSessions,
  taskId: string,
  steps: readonly string[],
): Promise<Verification> => {
  for (const step of steps) {
    const actions = parseBrowserStep(step)
    let current = 'open /'
    try {
      // A Chromium that stopped answering is started again, once, before the check counts as failed.
      const session = await browsers
        .open(taskId, '/')
        .catch((error: unknown) =>
          error instanceof BrowserStuckError ? browsers.open(taskId, '/') : Promise.reject(error),
        )
      const { page } = session
      for (const action of actions) {
        current = describe(action)
        if (action.kind === 'open') await page.goto(new URL(action.path, session.origin).href)
        else if (action.kind === 'click') await (await locate(page, action.target)).click()
        else if (action.kind === 'type') await (await locate(page, action.target)).fill(action.text)
        else if (action.kind === 'no errors') {
          if (session.errors.length > 0)
            throw new Error(`the page reported errors: ${session.errors.join('; ')}`)
        } else {
          const seen = async () => (await pageText(page)).toLowerCase().includes(action.text.toLowerCase())
          // Text may come after a request, or once the page's scripts ran: it is given as long as an
          // action is to show (or to go).
          const deadline = Date.now() + textWaitMs
          while ((await seen()) !== (action.kind === 'see') && Date.now() < deadline)
            await page.waitForTimeout(200)
          if ((await seen()) !== (action.kind === 'see'))
            throw new Error(
              action.kind === 'see'
                ? `"${action.text}" is not on the page`
                : `"${action.text}" is on the page`,
            )
        }
      }
    } catch (error) {
      const now = browsers.current(taskId)
      const shown = now ? await pageText(now.page).catch(() => '') : ''
      return {
        passed: false,
        command: step,
        why: `the browser check "${current}" failed: ${(error as Error).message.split('\n')[0]}`,
        output: shown ? `The page showed:\n${shown.slice(0, 2000)}` : '',
      }
    }
  }
  return { passed: true }
}
