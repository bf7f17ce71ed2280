import yoctoSpinner from 'yocto-spinner'

/**
 * One spinner line on stderr saying what the run is doing and for how long ("thinking 3s",
 * "bash npm test 12s"); nothing at all when stderr is not an interactive terminal.
 */
export const createActivitySpinner = (stream: NodeJS.WriteStream = process.stderr) => {
  const spinner = yoctoSpinner({ stream, handleSignals: false })
  let label = ''
  let since = 0
  let ticker: NodeJS.Timeout | undefined
  const render = () => {
    spinner.text = `${label} ${Math.floor((Date.now() - since) / 1000)}s`
  }
  return {
    /** Shows the spinner with what is happening now; the clock restarts when it changes. */
    show(what: string) {
      if (!stream.isTTY) return
      if (what !== label || !spinner.isSpinning) since = Date.now()
      label = what
      render()
      if (!spinner.isSpinning) spinner.start()
      ticker ??= setInterval(render, 500)
    },
    /** Takes the line away (before text is written where it was). */
    hide() {
      clearInterval(ticker)
      ticker = undefined
      spinner.stop()
    },
  }
}
