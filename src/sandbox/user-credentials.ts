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
 * The places hidden from every sandboxed process besides Cadre's home: the credential stores in
 * the user's home, and `extra` (absolute, or `~/`-relative) from the settings.
 */
export const userCredentialPaths = (extra: readonly string[] = [], home = homedir()): string[] => [
  ...CREDENTIAL_STORES.map((store) => join(home, store)),
  ...extra.map((path) => (path.startsWith('~/') ? join(home, path.slice(2)) : path)),
]
