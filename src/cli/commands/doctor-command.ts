import type { Command } from 'commander'
import { loadConfig } from '../../config.ts'
import { runChecks } from '../../doctor/run-checks.ts'
import { printJson } from '../output.ts'

const marks = { ok: '✓', warn: '!', fail: '✗' } as const

/** `cadre doctor`: what this machine has that Cadre needs; exits 1 when something required is missing. */
export const registerDoctorCommand = (program: Command): void => {
  program
    .command('doctor')
    .description('check this machine: git, bubblewrap, ripgrep, agent CLIs, disk space')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const checks = await runChecks(loadConfig(process.env).home)
      if (options.json) printJson(checks)
      else {
        for (const check of checks) {
          console.log(`${marks[check.status]} ${check.name.padEnd(12)} ${check.detail}`)
          if (check.fix && check.status !== 'ok') console.log(`  ${' '.repeat(12)} → ${check.fix}`)
        }
      }
      if (checks.some((check) => check.status === 'fail')) process.exitCode = 1
    })
}
