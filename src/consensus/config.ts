/**
 * Consensus and learning settings (strict zod schemas; every error names its key). The defaults
 * are the seeds': a quorum of 3 heads out of 4 agreeing with a calibrated confidence of at least
 * 0.70, full size from 0.85.
 */
import { z } from 'zod';

export const CONSENSUS_MODES = ['quorum', 'weighted', 'unanimous'] as const;
export type ConsensusMode = (typeof CONSENSUS_MODES)[number];

export const consensusConfigSchema = z.strictObject({
  /** `quorum`: ≥ k heads agree; `weighted`: confidence × weight vote; `unanimous`: every head that is not faulted agrees. */
  mode: z.enum(CONSENSUS_MODES).default('quorum'),
  /** k of the quorum: heads that must agree in direction, each with confidence ≥ minConfidence. */
  quorum: z.number().int().min(1).default(3),
  /** Lowest (calibrated) confidence that counts: per head in quorum and unanimous mode, for the decision in every mode. */
  minConfidence: z.number().min(0).max(1).default(0.7),
  /** Confidence at which a decision gets full size; at minConfidence it gets half (linear in between). */
  targetConfidence: z.number().min(0).max(1).default(0.85),
  /** Weighted mode: smallest |score| (Σ w·c·d / Σ w) that is a decision. */
  minScore: z.number().min(0).max(1).default(0.2),
  /** Unanimous mode: fewest heads that must vote (abstentions break unanimity). */
  minVoters: z.number().int().min(1).default(2),
}).refine((c) => c.targetConfidence >= c.minConfidence, { message: 'targetConfidence must be at least minConfidence', path: ['targetConfidence'] });

export type ConsensusConfig = z.output<typeof consensusConfigSchema>;
export type ConsensusConfigInput = z.input<typeof consensusConfigSchema>;

export const CALIBRATION_METHODS = ['isotonic', 'platt', 'none'] as const;
export type CalibrationMethod = (typeof CALIBRATION_METHODS)[number];

export const learningConfigSchema = z.strictObject({
  /** Hedge learning rate η: a wrong call multiplies a head's weight by e^(−η). */
  eta: z.number().positive().max(10).default(0.1),
  /** Forgetting per update round λ: weights are raised to λ before each update (1 = remember everything). */
  decay: z.number().gt(0).max(1).default(0.99),
  /** Fixed share α: every round each head gets back α/n of the mass, so no head's weight reaches 0. */
  share: z.number().min(0).max(0.5).default(0.01),
  /** Calibration of each head's confidence from its record. */
  calibration: z.enum(CALIBRATION_METHODS).default('isotonic'),
  /** Outcomes a head needs before its calibration is used (raw confidence until then). */
  minSamples: z.number().int().min(5).default(50),
  /** Refit a head's calibration every this many new outcomes. */
  refitEvery: z.number().int().min(1).default(100),
  /** Most recent outcomes kept per head for calibration. */
  window: z.number().int().min(10).default(1000),
});

export type LearningConfig = z.output<typeof learningConfigSchema>;
export type LearningConfigInput = z.input<typeof learningConfigSchema>;
