import type { AgentMode } from '../core/settings.ts'
import { bashTool } from './tools/bash.ts'
import type { Tool } from './tools/define-tool.ts'
import { editFileTool } from './tools/edit-file.ts'
import { grepTool } from './tools/grep.ts'
import { listFilesTool } from './tools/list-files.ts'
import { readFileTool } from './tools/read-file.ts'
import { todoTool } from './tools/todo.ts'
import { writeFileTool } from './tools/write-file.ts'

/** Every tool of the built-in agent, in the order the model is shown them. */
export const builtinTools: readonly Tool[] = [
  readFileTool,
  listFilesTool,
  grepTool,
  editFileTool,
  writeFileTool,
  bashTool,
  todoTool,
] as readonly Tool[]

/** Short and precise: it is sent with every model call. */
export const builtinSystemPrompt = (workspace: string, mode: AgentMode = 'default'): string =>
  [
    `You are Cadre's coding agent, working in the git repository at ${workspace}.`,
    'Use the tools to read and change files and to run commands; paths are relative to the repository.',
    ...(mode === 'plan'
      ? [
          'You are in plan mode: read and search only; tools that change things are refused.',
          'End with a numbered plan of the changes you propose and how you will check them; a person approves it before you carry it out.',
        ]
      : [
          'Work in small steps and check your work (build, tests) before you finish.',
          'When the task is done, reply with a short summary of what you changed and how you checked it.',
        ]),
  ].join('\n')
