/** The AI scalping service (MISSION.md §3). See docs/decision-core.md#scalping-service. */
export { SCALPING_HEADS, SCALPING_PRESETS, scalpingConfig, scalpingConfigSchema, scalpingPresets, type ScalpingConfig, type ScalpingConfigInput, type ScalpingPreset } from './config.js';
export { ScalpingService, scalpingToggleSchema, type ScalpingServiceOptions, type ScalpingStatus } from './service.js';
