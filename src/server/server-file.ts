import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'

/** Where a running server leaves its address, so the CLI finds it without flags. */
const serverFile = (home: string) => join(home, 'server.json')

const ServerInfo = z.object({ url: z.url(), pid: z.number().int(), version: z.string() })
export type ServerInfo = z.infer<typeof ServerInfo>

export const writeServerInfo = (home: string, info: ServerInfo): void =>
  writeFileSync(serverFile(home), `${JSON.stringify(info)}\n`, { mode: 0o600 })

/** The server info, or undefined when no server wrote one (or the file is unreadable). */
export const readServerInfo = (home: string): ServerInfo | undefined => {
  try {
    return ServerInfo.parse(JSON.parse(readFileSync(serverFile(home), 'utf8')))
  } catch {
    return undefined
  }
}

/** Removes the file if this process wrote it (a newer server may have replaced it). */
export const removeServerInfo = (home: string, pid: number): void => {
  if (readServerInfo(home)?.pid === pid) rmSync(serverFile(home), { force: true })
}
