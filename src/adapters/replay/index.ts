/** Replay adapter: recorded bars delivered as a live feed (paper trading on history, demos, tests). */
export { ReplayDataClient, type ReplayProgress } from './data-client.js';
export { replayConfigSchema, type ReplayConfig, type ReplayConfigInput } from './config.js';
