/** The consensus's bus topic, added by declaration merging (the bus never imports the consensus). */
import type { Decision } from './decision.js';

declare module '../bus/topics.js' {
  interface Topics {
    /** Every decision an ensemble makes (holds included), with its votes. */
    decision: Decision;
  }
}

export type { Decision };
