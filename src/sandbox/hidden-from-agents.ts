import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where tools keep a person's credentials, relative to their home: SSH and GPG keys, cloud and
 * cluster logins, package registry and git tokens, and the agents' own sign-ins (an agent Cadre
 * runs has a home of its own and never needs the user's).
 */
export const CREDENTIAL_STORES = [
  '.ssh',
  '.gnupg',
  '.password-store',
  '.aws',
  '.azure',
  '.config/gcloud',
  '.oci',
  '.kube',
  '.docker',
  '.config/gh',
  '.config/hub',
  '.config/glab-cli',
  '.terraform.d',
  '.vault-token',
  '.netrc',
  '.git-credentials',
  '.config/git/credentials',
  '.npmrc',
  '.yarnrc.yml',
  '.pypirc',
  '.pgpass',
  '.my.cnf',
  '.cargo/credentials.toml',
  '.gem/credentials',
  '.local/share/keyrings',
  '.claude',
  '.claude.json',
  '.codex',
  '.gemini',
  '.local/share/opencode',
  '.config/openai',
] as const

/**
 * Sockets through which a sandboxed process could act as root or as the user, network off or not:
 * the container engines' (their API is root on the host) and the user's own agents and buses
 * (ssh-agent, gpg-agent, D-Bus and the keyrings behind it, a rootless engine in `/run/user`).
 */
const hostSockets = (env: NodeJS.ProcessEnv): string[] => [
  '/run/docker.sock',
  '/var/run/docker.sock',
  '/run/podman',
  '/run/containerd',
  '/run/crio',
  '/run/dbus',
  ...(process.getuid ? [`/run/user/${process.getuid()}`] : []),
  ...(env.SSH_AUTH_SOCK ? [env.SSH_AUTH_SOCK] : []),
]

/**
 * The places hidden from every sandboxed process besides Cadre's home: the credential stores in
 * the user's home, the host's sockets that would give its rights away, and `extra` (absolute, or
 * `~/`-relative) from the settings.
 */
export const hiddenFromAgents = (
  extra: readonly string[] = [],
  { home = homedir(), env = process.env }: { home?: string; env?: NodeJS.ProcessEnv } = {},
): string[] => [
  ...CREDENTIAL_STORES.map((store) => join(home, store)),
  ...hostSockets(env),
  ...extra.map((path) => (path.startsWith('~/') ? join(home, path.slice(2)) : path)),
]
