#!/usr/bin/env node
// The `cadre` launcher. Cadre needs Node 24 (TypeScript runs directly on it); this file is plain
// CommonJS that any Node can read, so it can find Node 24 and hand over to it.
'use strict'
const { spawn, spawnSync } = require('node:child_process')
const { existsSync } = require('node:fs')
const path = require('node:path')

const required = 24
const root = path.join(__dirname, '..')
const entry = path.join(root, 'src', 'cli', 'main.ts')
const major = (version) => Number(String(version).replace(/^v/, '').split('.')[0])

const candidates = () => {
  const found = []
  if (process.env.CADRE_NODE) found.push(process.env.CADRE_NODE)
  found.push(path.join(root, 'node_modules', 'node', 'bin', 'node'))
  found.push(path.join(root, 'node_modules', '.bin', 'node'))
  return found
}

const versionOf = (binary) => {
  if (!existsSync(binary)) return undefined
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: 15000 })
  return result.status === 0 ? result.stdout.trim() : undefined
}

const run = (binary) => {
  // The IPC channel closes when this launcher dies, however it dies (even SIGKILL), so Cadre
  // notices and shuts down instead of living on unseen.
  const child = spawn(binary, [entry].concat(process.argv.slice(2)), {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
  })
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP']
  const forward = (signal) => child.kill(signal)
  for (const signal of signals) process.on(signal, forward)
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code === null ? 1 : code)
    // End the same way the child did, so whoever started us sees the signal.
    for (const name of signals) process.removeListener(name, forward)
    process.kill(process.pid, signal)
  })
}

if (major(process.version) >= required) {
  run(process.execPath)
} else {
  const tried = []
  let chosen
  for (const binary of candidates()) {
    const version = versionOf(binary)
    tried.push(`${binary}: ${version || 'not found'}`)
    if (version && major(version) >= required) {
      chosen = binary
      break
    }
  }
  if (chosen) {
    run(chosen)
  } else {
    process.stderr.write(
      `cadre: Cadre needs Node.js ${required} or newer, and this is Node.js ${process.version}.\n` +
        `No Node.js ${required} was found:\n  ${tried.join('\n  ')}\n` +
        `Run "npm install" in ${root} (it installs Node.js ${required} beside Cadre), ` +
        `or set CADRE_NODE to a Node.js ${required} binary.\n`,
    )
    process.exit(1)
  }
}
