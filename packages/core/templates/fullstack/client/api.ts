// The client's only way to the server: typed wrappers around fetch.
export interface Note {
  id: string;
  text: string;
  createdAt: string;
}

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`Request failed with ${response.status}`);
  return (await response.json()) as T;
}

export const api = {
  listNotes: () => fetch("/api/notes").then((r) => json<Note[]>(r)),
  addNote: (text: string) =>
    fetch("/api/notes", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text }) }).then((r) =>
      json<Note>(r),
    ),
};
