/** Small promise helpers shared by adapters. */

/**
 * Waits for `work` at most `ms` milliseconds, then returns either way (the work is not canceled).
 * Used to bound a shutdown: deliver what is queued, but never hang on an unreachable endpoint.
 */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
