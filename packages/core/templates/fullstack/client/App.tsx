// The application shell: a list of notes kept by the server.
import { type FormEvent, useEffect, useState } from "react";
import { api, type Note } from "./api";

export function App() {
  const [notes, setNotes] = useState<Note[]>([]);
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.listNotes().then(setNotes, (e: Error) => setError(e.message));
  }, []);

  async function add(event: FormEvent) {
    event.preventDefault();
    if (!text.trim()) return;
    try {
      const note = await api.addNote(text);
      setNotes((current) => [...current, note]);
      setText("");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <main className="app">
      <h1>Notes</h1>
      {error && <p role="alert">{error}</p>}
      <form onSubmit={add}>
        <input aria-label="New note" value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit">Add</button>
      </form>
      <ul>
        {notes.map((note) => (
          <li key={note.id}>{note.text}</li>
        ))}
      </ul>
    </main>
  );
}
