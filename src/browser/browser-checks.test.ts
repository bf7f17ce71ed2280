import { describe, expect, it } from 'vitest'
import { browserSteps, parseBrowserStep } from './browser-checks.ts'

describe('browser steps', () => {
  it('reads every action, in order', () => {
    expect(
      parseBrowserStep(
        'browser: open /cart; type Email = a@b.c; click Add to cart; see 1 item; not see Error; no errors',
      ),
    ).toEqual([
      { kind: 'open', path: '/cart' },
      { kind: 'type', target: 'Email', text: 'a@b.c' },
      { kind: 'click', target: 'Add to cart' },
      { kind: 'see', text: '1 item' },
      { kind: 'not see', text: 'Error' },
      { kind: 'no errors' },
    ])
    expect(parseBrowserStep('browser: open')).toEqual([{ kind: 'open', path: '/' }])
  })

  it('refuses an action it cannot read, saying what it can', () => {
    expect(() => parseBrowserStep('browser: open /; wiggle the mouse')).toThrow(
      /cannot read the browser action "wiggle the mouse": write open <path>, click <target>/,
    )
    expect(() => parseBrowserStep('browser: type Email')).toThrow(/"type Email"/)
  })

  it("picks the browser steps out of a feature's steps", () => {
    expect(browserSteps(['$ npm test', 'browser: open /', 'Looks right'])).toEqual(['browser: open /'])
  })
})
