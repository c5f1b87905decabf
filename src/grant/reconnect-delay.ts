// Reconnect delays for subscription sockets: exponential with jitter, so a Pitchly restart is not met by a stampede.

const BASE_MS = 250;
const MAX_MS = 30_000;
/** The first retry after a healthy connection is almost immediate: a token expiry or a lone drop costs no visible gap. */
const FIRST_MS = 100;

/** Delay before reconnect attempt `attempt` (1 = the first after a healthy connection). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  if (attempt <= 1) return Math.floor(random() * FIRST_MS);
  const ceiling = Math.min(MAX_MS, BASE_MS * 2 ** (attempt - 1));
  // "Equal jitter": never less than half the ceiling, so retries still back off under load.
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
