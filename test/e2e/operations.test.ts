import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openSqliteStore } from '../../src/store/open-sqlite.ts'
import { runCli } from '../support/cli.ts'

const freshHome = () => mkdtempSync(join(tmpdir(), 'cadre-ops-'))

describe('cadre serve, when it cannot start', () => {
  it('names the taken port and exits non-zero', async () => {
    const blocker = createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => blocker.once('listening', resolve))
    const { port } = blocker.address() as { port: number }
    try {
      const result = await runCli(['serve'], { CADRE_HOME: freshHome(), CADRE_PORT: String(port) })
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(
        `cadre: port ${port} on 127.0.0.1 is already in use (another Cadre?); choose another with CADRE_PORT or --port\n`,
      )
    } finally {
      blocker.close()
    }
  })

  it('names a CADRE_HOME it cannot use', async () => {
    const file = join(freshHome(), 'not-a-folder')
    writeFileSync(file, '')
    const result = await runCli(['serve'], {
      CADRE_HOME: file,
      CADRE_PORT: '0',
      CADRE_TOKEN: 'a-token-of-sixteen-chars',
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^cadre: cannot use CADRE_HOME ${file}: EEXIST`))
  })

  it('names the database it cannot open', async () => {
    const home = freshHome()
    mkdirSync(join(home, 'cadre.db'))
    const result = await runCli(['serve'], { CADRE_HOME: home, CADRE_PORT: '0' })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(new RegExp(`^cadre: cannot open the database ${join(home, 'cadre.db')}: `))
  })

  it('names the database file that is not a database', async () => {
    const home = freshHome()
    writeFileSync(join(home, 'cadre.db'), 'this is not SQLite '.repeat(100))
    const result = await runCli(['serve'], { CADRE_HOME: home, CADRE_PORT: '0' })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^cadre: cannot (open|use) the database .*cadre\.db: file is not a database/,
    )
  })

  it('refuses to start on a database it cannot write', async () => {
    const home = freshHome()
    const database = join(home, 'cadre.db')
    await (await openSqliteStore(database)).close()
    // Immutable even for root (ext4's attribute): the portable way to make a file unwritable here.
    execFileSync('chattr', ['+i', database])
    try {
      const result = await runCli(['serve'], { CADRE_HOME: home, CADRE_PORT: '0' })
      expect(result.code).toBe(1)
      expect(result.stderr).toBe(
        `cadre: cannot use the database ${database}: the database cannot be written: it is read-only (attempt to write a readonly database); make the database file and its folder writable (on a read-only mount they cannot be). Nothing stored is lost\n`,
      )
    } finally {
      execFileSync('chattr', ['-i', database])
    }
  })

  it('names the PostgreSQL server it cannot reach, without its password', async () => {
    const result = await runCli(['serve'], {
      CADRE_HOME: freshHome(),
      CADRE_PORT: '0',
      DATABASE_URL: 'postgres://cadre:s3cret@127.0.0.1:9/cadre',
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(
      /^cadre: cannot use PostgreSQL at postgres:\/\/cadre:\*\*\*@127\.0\.0\.1:9\/cadre: /,
    )
    expect(result.stderr + result.stdout).not.toContain('s3cret')
  })

  it('refuses bad configuration, naming the variable', async () => {
    const result = await runCli(['serve'], { CADRE_HOME: freshHome(), CADRE_PORT: 'eighty' })
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/^cadre: invalid configuration: CADRE_PORT: must be a port number/)
  })
})
