// Variables whose names say they hold a credential; their values are secrets wherever they appear.
const secretName = /(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_|$)/i

/**
 * A value taken from the environment by its variable's name alone is treated as a secret only when
 * it looks like one: long (20+ characters), or 12+ and not a plain word. `postgres` or `lm-studio` as a password would
 * otherwise be cut out of every log line and prompt that mentions the word.
 */
const looksSecret = (value: string) => value.length >= 20 || (value.length >= 12 && /[^A-Za-z]/.test(value))

/** Secret values found in an environment: credential-named variables and passwords in URLs. */
export const environmentSecrets = (env: NodeJS.ProcessEnv): string[] => {
  const values: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue
    if (secretName.test(name) && looksSecret(value)) values.push(value)
    values.push(...urlPassword(value).filter(looksSecret))
  }
  return values
}

/** The password of a URL with credentials, as written (percent-encoded) and decoded. */
const urlPassword = (value: string): string[] => {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*:[^/\s]*@/i.test(value)) return []
  try {
    const written = new URL(value).password
    return written ? [...new Set([written, decodeURIComponent(written)])] : []
  } catch {
    return []
  }
}
