/** Options of the replay data client, validated at the boundary (zod, strict). */
import { z } from 'zod';

export const replayConfigSchema = z.strictObject({
  /** Time steps (one bar per symbol) delivered per second of wall time; `max` delivers as fast as the node can take them. */
  speed: z.union([z.number().positive().max(1e9), z.literal('max')]).default(50),
  /** Deliver at most this many time steps (from the start of the data). */
  maxSteps: z.number().int().positive().optional(),
  /** Time steps delivered in one go before yielding to the event loop when running at `max`. */
  batch: z.number().int().positive().default(2_000),
});

export type ReplayConfig = z.output<typeof replayConfigSchema>;
export type ReplayConfigInput = z.input<typeof replayConfigSchema>;
