/**
 * Counts iterations of the event loop (a `setImmediate` that schedules itself), so that a test
 * can tell whether two things happened in the same iteration. `stop()` ends the count.
 *
 * @example
 * const loop = countLoopIterations();
 * await something(); const at = loop.count;
 * loop.stop();
 */
export function countLoopIterations(): { readonly count: number; stop(): void } {
  let count = 0;
  let ticking = true;
  const tick = () => {
    count++;
    if (ticking) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get count() {
      return count;
    },
    stop() {
      ticking = false;
    },
  };
}
