import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { App } from "./App";
import { nextCount } from "./counter";

afterEach(cleanup);

describe("App", () => {
  it("counts clicks", () => {
    render(<App />);
    const button = screen.getByRole("button");
    expect(button.textContent).toBe("Clicked 0 times");
    fireEvent.click(button);
    expect(button.textContent).toBe("Clicked 1 times");
  });

  it("increments by one", () => {
    expect(nextCount(41)).toBe(42);
  });
});
