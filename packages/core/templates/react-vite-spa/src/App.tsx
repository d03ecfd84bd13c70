// The application shell; replace the counter with the app's real screens.
import { useState } from "react";
import { nextCount } from "./counter";

export function App() {
  const [count, setCount] = useState(0);
  return (
    <main className="app">
      <h1>Welcome</h1>
      <button type="button" onClick={() => setCount((c) => nextCount(c))}>
        Clicked {count} times
      </button>
    </main>
  );
}
