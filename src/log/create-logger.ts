import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino'
import type { Redactor } from '../secrets/redactor.ts'

// Never let a credential reach a log line, whatever object is logged.
const redact = {
  paths: [
    'token',
    '*.token',
    'authorization',
    '*.authorization',
    '*.headers.authorization',
    '*.headers.cookie',
    'databaseUrl',
    '*.databaseUrl',
  ],
  censor: '[redacted]',
}

/**
 * pino logger: human-readable in a terminal, JSON lines otherwise (pino-pretty loads only then).
 * Every line passes through the redactor as written, so a secret in a message or an error's text is
 * caught too, not only in the fields named above.
 */
export const createLogger = async (options: {
  level: string
  redactor: Redactor
  pretty?: boolean
  destination?: DestinationStream
}): Promise<Logger> => {
  const settings: LoggerOptions = {
    level: options.level,
    redact,
    hooks: { streamWrite: (line) => options.redactor.redact(line) },
  }
  const pretty = options.pretty ?? process.stdout.isTTY === true
  if (!pretty) return pino(settings, options.destination)
  const { default: prettyStream } = await import('pino-pretty')
  return pino(
    settings,
    prettyStream({ colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }),
  )
}
