// Runs a command (the test suite) in a network namespace of its own that has only loopback, so
// nothing a test starts — Cadre, the simulator, the real agent CLIs — can reach beyond this
// machine, whatever it tries.   node test/support/loopback-only.ts vitest run [args…]
import { spawn, spawnSync } from 'node:child_process'

/** The variable that tells the tests they run with only loopback (a test checks it holds). */
export const loopbackOnlyVariable = 'CADRE_TEST_LOOPBACK_ONLY'

// bubblewrap makes the namespace (and brings loopback up in it); everything else stays as it is:
// the same files, processes and devices, so the tests' own sandboxes nest inside.
const isolate = ['--dev-bind', '/', '/', '--unshare-net', '--die-with-parent', '--']

const main = () => {
  const command = process.argv.slice(2)
  if (command.length === 0) {
    process.stderr.write('usage: node test/support/loopback-only.ts <command> [args…]\n')
    return process.exit(2)
  }
  const probe = spawnSync('bwrap', [...isolate, 'true'], { encoding: 'utf8' })
  if (probe.status !== 0) {
    process.stderr.write(
      `The tests run in a network namespace with only loopback, made by bubblewrap, which cannot here: ${
        probe.error?.message ?? probe.stderr.trim()
      }\nInstall it (apt-get install bubblewrap) and run as root or with unprivileged user namespaces.\n`,
    )
    return process.exit(1)
  }
  const child = spawn('bwrap', [...isolate, ...command], {
    stdio: 'inherit',
    env: { ...process.env, [loopbackOnlyVariable]: '1' },
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)))
}

if (import.meta.main) main()
