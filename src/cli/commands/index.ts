/** Every CLI command; each entry adds one command (with its subcommands) to the program. */
import type { Command } from 'commander';
import { registerBacktest } from './backtest.js';
import { registerData } from './data.js';
import { registerFeatures } from './features.js';
import { registerIndicator } from './indicator.js';
import { registerServe } from './serve.js';
import { registerStart } from './start.js';
import { registerStrategies } from './strategies.js';
import { registerToken } from './token.js';

export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerBacktest, registerStrategies, registerStart, registerData, registerIndicator, registerFeatures, registerServe, registerToken];
