import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../api/http.ts'
import type { Project } from '../api/types.ts'

/** A git repository on the server's machine, added by its path; the API's message says what is wrong. */
export const AddProjectForm = ({ onAdded }: { onAdded: (project: Project) => void }) => {
  const [path, setPath] = useState('')
  const queries = useQueryClient()
  const add = useMutation({
    mutationFn: () => api<Project>('/api/projects', { body: { path: path.trim() } }),
    onSuccess: (project) => {
      setPath('')
      void queries.invalidateQueries({ queryKey: ['projects'] })
      onAdded(project)
    },
  })
  return (
    <form
      className="space-y-2"
      onSubmit={(event) => {
        event.preventDefault()
        add.mutate()
      }}
    >
      <label className="block space-y-1 text-sm">
        <span className="font-medium">Add a project: the path of a git repository</span>
        <div className="flex gap-2">
          <input
            name="path"
            value={path}
            placeholder="/home/me/code/my-app"
            onChange={(event) => setPath(event.target.value)}
            className="min-w-0 flex-1 rounded-md border border-line bg-canvas px-3 py-1.5 font-mono text-sm outline-none focus:border-accent"
          />
          <button
            type="submit"
            disabled={!path.trim() || add.isPending}
            className="rounded-md bg-accent px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50"
          >
            Add
          </button>
        </div>
      </label>
      {add.error && (
        <p role="alert" className="text-sm text-bad">
          {add.error.message}
        </p>
      )}
    </form>
  )
}
