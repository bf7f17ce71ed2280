import type { Command } from 'commander'
import { startCadre } from '../../cadre.ts'
import { loadConfig } from '../../config.ts'
import { createLogger } from '../../log/create-logger.ts'
import { environmentSecrets } from '../../secrets/environment-secrets.ts'
import { createRedactor } from '../../secrets/redactor.ts'
import { tokenFile } from '../../server/access-token.ts'

const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
// Ctrl-C reaches both the launcher and Cadre, and the launcher forwards it too: a repeat this soon
// is that echo. A signal after it asks to stop at once.
const repeatWindowMs = 1000

/** `cadre serve`: runs the server until SIGINT, SIGTERM or SIGHUP, then shuts down gracefully. */
export const registerServeCommand = (program: Command): void => {
  program
    .command('serve')
    .description(
      'run the Cadre server: its API, event stream and web UI, and its agents (unless CADRE_WORKER=off)',
    )
    .option('--port <port>', 'port to listen on (CADRE_PORT, default 7878)')
    .option('--host <host>', 'address to bind (CADRE_HOST, default 127.0.0.1)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = loadConfig({
        ...process.env,
        ...(options.port !== undefined && { CADRE_PORT: options.port }),
        ...(options.host !== undefined && { CADRE_HOST: options.host }),
      })
      const redactor = createRedactor(environmentSecrets(process.env))
      const log = await createLogger({ level: config.logLevel, redactor })
      // Listening for stop signals before starting: one that arrives while Cadre starts (its address
      // file may already be written) is honoured as soon as it has started, never by dying mid-way.
      const stopped = new Promise<void>((resolve) => {
        let firstAt = 0
        const stop = (signal: NodeJS.Signals) => {
          if (firstAt === 0) {
            firstAt = Date.now()
            log.info({ signal }, 'shutting down')
            resolve()
          } else if (Date.now() - firstAt > repeatWindowMs) {
            log.warn({ signal }, 'stopping at once')
            process.exit(130)
          }
        }
        for (const signal of stopSignals) process.on(signal, stop)
      })
      const cadre = await startCadre(config, { log, redactor })
      // The link carries the token, so it goes only to a terminal, never into captured logs.
      if (process.stdout.isTTY) {
        console.log(
          `\n  Cadre is running. Open ${cadre.server.url}/?token=${encodeURIComponent(cadre.token)}\n`,
        )
      } else {
        const where = config.token ? 'CADRE_TOKEN' : tokenFile(config.home)
        console.log(`Cadre is running at ${cadre.server.url}/ — sign in with the token from ${where}`)
      }
      await stopped
      await cadre.close()
      log.info('stopped')
      log.flush()
    })
}
