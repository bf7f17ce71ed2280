import { readdir, readFile, stat } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { CadreError } from '../core/errors.ts'
import { parseScenario } from './parse-scenario.ts'
import type { Scenario } from './scenario.ts'

const scenarioExtensions = new Set(['.yaml', '.yml', '.json'])

/** Reads and checks one scenario file (YAML, or JSON by its `.json` extension). */
export const readScenarioFile = async (path: string): Promise<Scenario> => {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new CadreError('bad_request', `cannot read scenario ${path}: ${reason(error)}`, { cause: error })
  }
  let value: unknown
  try {
    value = extname(path) === '.json' ? JSON.parse(text) : parseYaml(text)
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0]
    throw new CadreError(
      'bad_request',
      `${path}: not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${firstLine}`,
      {
        cause: error,
      },
    )
  }
  return parseScenario(value, path)
}

/** The scenario files a path names: itself, or a directory's .yaml, .yml and .json files in name order. */
export const scenarioFiles = async (path: string): Promise<string[]> => {
  let info: Awaited<ReturnType<typeof stat>>
  try {
    info = await stat(path)
  } catch (error) {
    throw new CadreError('bad_request', `scenario not found: ${path} (${reason(error)})`, { cause: error })
  }
  if (!info.isDirectory()) return [path]
  const names = (await readdir(path)).filter((name) => scenarioExtensions.has(extname(name))).sort()
  if (names.length === 0) throw new CadreError('bad_request', `no .yaml, .yml or .json scenarios in ${path}`)
  return names.map((name) => join(path, name))
}

/** Loads scenarios from files and directories, in order; two with one name is a mistake worth stopping for. */
export const loadScenarios = async (paths: string[]): Promise<Scenario[]> => {
  const scenarios: Scenario[] = []
  const seen = new Map<string, string>()
  for (const path of paths) {
    for (const file of await scenarioFiles(path)) {
      const scenario = await readScenarioFile(file)
      const earlier = seen.get(scenario.name)
      if (earlier) {
        throw new CadreError(
          'bad_request',
          `${file}: scenario name "${scenario.name}" is also used by ${earlier}`,
        )
      }
      seen.set(scenario.name, file)
      scenarios.push(scenario)
    }
  }
  return scenarios
}

const reason = (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOENT' ? 'no such file or directory' : ((error as Error).message ?? String(error))
}
