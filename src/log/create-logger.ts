import { type DestinationStream, type Logger, pino } from 'pino'

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

/** pino logger: human-readable in a terminal, JSON lines otherwise (pino-pretty loads only then). */
export const createLogger = async (options: {
  level: string
  pretty?: boolean
  destination?: DestinationStream
}): Promise<Logger> => {
  const pretty = options.pretty ?? process.stdout.isTTY === true
  if (!pretty) return pino({ level: options.level, redact }, options.destination)
  const { default: prettyStream } = await import('pino-pretty')
  return pino(
    { level: options.level, redact },
    prettyStream({ colorize: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss' }),
  )
}
