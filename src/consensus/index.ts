/**
 * The consensus: votes → decisions, with learned weights and calibrated confidences; the
 * ensemble that runs heads and consensus together. See docs/decision-core.md.
 */
export { CALIBRATION_METHODS, CONSENSUS_MODES, consensusConfigSchema, learningConfigSchema, type CalibrationMethod, type ConsensusConfig, type ConsensusConfigInput, type ConsensusMode, type LearningConfig, type LearningConfigInput } from './config.js';
export { combine, sizeScale, type ConsensusResult, type Vote } from './vote.js';
export { HedgeWeights, directionLoss } from './hedge.js';
export { HeadCalibration, applyCalibration, fitIsotonic, fitPlatt, isotonicAt, type CalibrationState } from './calibration.js';
export { OutcomeTracker, type ResolvedSignal } from './outcomes.js';
export { DECISION_ACTIONS, toDecisionRecord, type Decision, type DecisionAction, type DecisionSize } from './decision.js';
export { MemoryDecisionLog, WriteQueue, type EnsembleStorage } from './store.js';
export { EnsembleRecorder, type ComparisonRow, type EnsembleReportDetail, type EnsembleReportSections, type HeadReportRow } from './report.js';
export { Ensemble, type EnsembleOptions, type EnsemblePhase, type EnsembleView } from './ensemble.js';
export type {} from './events.js';
