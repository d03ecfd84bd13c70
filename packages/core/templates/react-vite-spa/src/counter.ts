// Pure logic lives outside components so it is easy to test.
export function nextCount(current: number): number {
  return current + 1;
}
