/**
 * Votes → a consensus: the arithmetic of the three modes, pure and small enough to check by hand.
 *
 * A vote is a head's direction dᵢ ∈ [−1, 1], its calibrated confidence cᵢ, its learned weight wᵢ
 * and its status (`ok`, `abstained`, `faulted`). Faulted heads never count; n is the number of
 * heads in the panel (faulted included, so that a failure cannot make a quorum easier).
 *
 * - quorum: long when at least k heads vote long with cᵢ ≥ minConfidence and more do so than vote
 *   short the same way (short symmetrically); confidence = Σ wᵢcᵢ / Σ wᵢ over those heads;
 *   score = (#long − #short) / n over the qualifying heads.
 * - weighted: score S = Σ wᵢ·cᵢ·dᵢ / Σ wᵢ over the heads that are not faulted (an abstention is a
 *   vote for flat); the side of S when |S| ≥ minScore, and then confidence = Σ wᵢcᵢ / Σ wᵢ over
 *   the heads on that side.
 * - unanimous: every head that is not faulted votes, all on one side, each with cᵢ ≥ minConfidence,
 *   and there are at least minVoters of them; confidence = Σ wᵢcᵢ / Σ wᵢ; score = ±(voters / n).
 *
 * In every mode a decision whose confidence is below minConfidence is no decision (direction 0).
 * Size scale: ½ at minConfidence rising linearly to 1 at targetConfidence.
 */
import type { HeadStatus } from '../heads/panel.js';
import type { SignalInput } from '../heads/signal.js';
import type { ConsensusConfig } from './config.js';

/** One head's vote as the consensus sees it. */
export interface Vote {
  readonly head: string;
  readonly status: HeadStatus;
  /** −1 … 1 (0 when abstained or faulted). */
  readonly direction: number;
  /** Calibrated confidence (what counts). */
  readonly confidence: number;
  /** The head's own confidence before calibration. */
  readonly rawConfidence: number;
  /** The head's learned weight (weights of a panel sum to 1). */
  readonly weight: number;
  readonly horizonMs: number;
  readonly reason: string;
  readonly inputs: Readonly<Record<string, SignalInput>>;
  readonly error?: string;
}

export interface ConsensusResult {
  readonly direction: -1 | 0 | 1;
  readonly confidence: number;
  /** Signed, −1 … 1: how strongly the panel leans (definition per mode, see above). */
  readonly score: number;
  /** Heads on the decided side that counted. */
  readonly agreeing: readonly string[];
  /** Heads that voted the other way. */
  readonly against: readonly string[];
  /** Share of the full size this decision deserves: ½ at minConfidence … 1 at targetConfidence (0 with no decision). */
  readonly sizeScale: number;
  /** One line: how the decision came about. */
  readonly explanation: string;
}

function side(d: number): -1 | 0 | 1 {
  return d > 0 ? 1 : d < 0 ? -1 : 0;
}

function weightedConfidence(votes: readonly Vote[]): number {
  let num = 0;
  let den = 0;
  for (const v of votes) {
    num += v.weight * v.confidence;
    den += v.weight;
  }
  if (den > 0) return num / den;
  // All weights zero: plain mean, so that a decision is never made of NaN.
  return votes.length === 0 ? 0 : votes.reduce((s, v) => s + v.confidence, 0) / votes.length;
}

function fmt(votes: readonly Vote[]): string {
  return votes.length === 0 ? 'none' : votes.map((v) => `${v.head} ${v.confidence.toFixed(2)}`).join(', ');
}

function none(score: number, explanation: string): ConsensusResult {
  return { direction: 0, confidence: 0, score, agreeing: [], against: [], sizeScale: 0, explanation };
}

/** The size scale for a decision of this confidence. */
export function sizeScale(confidence: number, config: Pick<ConsensusConfig, 'minConfidence' | 'targetConfidence'>): number {
  const span = config.targetConfidence - config.minConfidence;
  if (span <= 0) return confidence >= config.minConfidence ? 1 : 0;
  return Math.min(1, Math.max(0.5, 0.5 + (0.5 * (confidence - config.minConfidence)) / span));
}

/**
 * Combines votes by the configured mode.
 * @example
 * combine(votes, { mode: 'quorum', quorum: 3, minConfidence: 0.7, targetConfidence: 0.85, minScore: 0.2, minVoters: 2 });
 */
export function combine(votes: readonly Vote[], config: ConsensusConfig): ConsensusResult {
  const n = votes.length;
  const live = votes.filter((v) => v.status !== 'faulted');
  const faulted = votes.filter((v) => v.status === 'faulted');
  const faultNote = faulted.length > 0 ? `; faulted (excluded): ${faulted.map((v) => v.head).join(', ')}` : '';
  const ok = live.filter((v) => v.status === 'ok');
  if (n === 0) return none(0, 'no heads');
  let result: ConsensusResult;
  switch (config.mode) {
    case 'quorum': {
      const qualifies = (v: Vote, s: number): boolean => side(v.direction) === s && v.confidence >= config.minConfidence;
      const longs = ok.filter((v) => qualifies(v, 1));
      const shorts = ok.filter((v) => qualifies(v, -1));
      const score = (longs.length - shorts.length) / n;
      const k = config.quorum;
      const s: -1 | 0 | 1 = longs.length >= k && longs.length > shorts.length ? 1 : shorts.length >= k && shorts.length > longs.length ? -1 : 0;
      if (s === 0) {
        result = none(score, `no quorum: ${longs.length} long and ${shorts.length} short of ${n} heads at confidence ≥ ${config.minConfidence.toFixed(2)}, ${k} needed (long: ${fmt(longs)}; short: ${fmt(shorts)})`);
        break;
      }
      const agree = s === 1 ? longs : shorts;
      const confidence = weightedConfidence(agree);
      result = {
        direction: s, confidence, score,
        agreeing: agree.map((v) => v.head),
        against: ok.filter((v) => side(v.direction) === -s).map((v) => v.head),
        sizeScale: sizeScale(confidence, config),
        explanation: `quorum ${agree.length}/${n} ${s > 0 ? 'long' : 'short'} (k = ${k}, each ≥ ${config.minConfidence.toFixed(2)}): ${fmt(agree)}; against: ${fmt(ok.filter((v) => side(v.direction) === -s))}`,
      };
      break;
    }
    case 'weighted': {
      let num = 0;
      let den = 0;
      for (const v of live) {
        den += v.weight;
        if (v.status === 'ok') num += v.weight * v.confidence * v.direction;
      }
      const score = den > 0 ? num / den : 0;
      if (!(Math.abs(score) >= config.minScore) || score === 0) {
        result = none(score, `weighted score ${score.toFixed(3)} is inside ±${config.minScore.toFixed(2)}`);
        break;
      }
      const s = side(score);
      const agree = ok.filter((v) => side(v.direction) === s);
      const confidence = weightedConfidence(agree);
      result = {
        direction: s, confidence, score,
        agreeing: agree.map((v) => v.head),
        against: ok.filter((v) => side(v.direction) === -s).map((v) => v.head),
        sizeScale: sizeScale(confidence, config),
        explanation: `weighted score ${score.toFixed(3)} (Σ w·c·d / Σ w over ${live.length} heads) → ${s > 0 ? 'long' : 'short'}: ${fmt(agree)}; against: ${fmt(ok.filter((v) => side(v.direction) === -s))}`,
      };
      break;
    }
    case 'unanimous': {
      const voters = live.filter((v) => v.status === 'ok' && side(v.direction) !== 0);
      const sides = new Set(voters.map((v) => side(v.direction)));
      const s = voters.length === live.length && sides.size === 1 ? [...sides][0]! : 0;
      const weak = voters.filter((v) => v.confidence < config.minConfidence);
      if (s === 0 || voters.length < config.minVoters || weak.length > 0) {
        const why = voters.length < live.length
          ? `${live.length - voters.length} of ${live.length} heads did not vote a direction`
          : sides.size > 1 ? 'heads disagree' : voters.length < config.minVoters ? `${voters.length} voters, ${config.minVoters} needed` : `below ${config.minConfidence.toFixed(2)}: ${fmt(weak)}`;
        result = none(0, `not unanimous: ${why}`);
        break;
      }
      const confidence = weightedConfidence(voters);
      result = {
        direction: s, confidence, score: (s * voters.length) / n, agreeing: voters.map((v) => v.head), against: [],
        sizeScale: sizeScale(confidence, config),
        explanation: `unanimous ${s > 0 ? 'long' : 'short'} (${voters.length}/${n}): ${fmt(voters)}`,
      };
      break;
    }
  }
  if (result.direction !== 0 && !(result.confidence >= config.minConfidence)) {
    result = none(result.score, `${result.explanation}; confidence ${result.confidence.toFixed(3)} is below ${config.minConfidence.toFixed(2)}`);
  }
  return faultNote === '' ? result : { ...result, explanation: result.explanation + faultNote };
}
