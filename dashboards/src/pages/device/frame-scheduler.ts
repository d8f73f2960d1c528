/**
 * Coalesces calls into one per animation frame (a burst of live events draws once).
 *
 * @example
 * const render = frameScheduler(draw); render.schedule(); render.schedule(); // draw runs once
 */
export function frameScheduler(run: () => void): { schedule(): void; cancel(): void } {
  let pending: number | undefined;
  return {
    schedule() {
      if (pending !== undefined) return;
      pending = requestAnimationFrame(() => {
        pending = undefined;
        run();
      });
    },
    cancel() {
      if (pending !== undefined) cancelAnimationFrame(pending);
      pending = undefined;
    },
  };
}
