/**
 * Models in the registry: the artefact is a JSON file, the `ml_models` row (through the storage
 * port's `ModelRegistry`) says what it is, how well it did and where the file is.
 *
 * @example
 * const trained = trainDirectionModel(table);
 * await saveModel(storage.models, trained, { dir: './models', name: 'btc-direction', version: '1' });
 * const { model } = await loadModel(storage.models, 'btc-direction');
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ConfigurationError, DataError, errorMessage } from '../../core/errors.js';
import type { JsonObject, ModelRecord, ModelRegistry, ModelStage } from '../../storage/port.js';
import type { LogisticModel, SplitMetrics, TrainingResult } from './logistic.js';

const finite = z.number().finite();

/** The artefact file's schema (validated on load). */
export const logisticModelSchema = z.strictObject({
  kind: z.literal('logistic'),
  features: z.array(z.string().min(1)).min(1),
  mean: z.array(finite),
  std: z.array(finite.positive()),
  weights: z.array(finite),
  bias: finite,
  horizonBars: z.number().int().min(1),
  timeframe: z.string().min(1),
}).refine((m) => m.mean.length === m.features.length && m.std.length === m.features.length && m.weights.length === m.features.length, {
  message: 'features, mean, std and weights must have the same length',
  path: ['weights'],
});

export interface SaveModelOptions {
  /** Directory of the artefact file (created if needed). */
  readonly dir: string;
  readonly name: string;
  readonly version: string;
  readonly stage?: ModelStage;
  readonly description?: string;
  /** Registration time; default now. */
  readonly createdAt?: number;
}

function metricsJson(m: SplitMetrics): JsonObject {
  return { rows: m.rows, accuracy: m.accuracy, logLoss: m.logLoss, brier: m.brier, auc: m.auc, baseRate: m.baseRate };
}

/**
 * Writes the artefact (`<dir>/<name>-<version>.json`) and registers the model.
 * @returns the registry row.
 */
export async function saveModel(registry: Pick<ModelRegistry, 'register'>, trained: TrainingResult, options: SaveModelOptions): Promise<ModelRecord> {
  if (!/^[A-Za-z0-9_.-]+$/.test(options.name) || !/^[A-Za-z0-9_.-]+$/.test(options.version)) {
    throw new ConfigurationError('name and version must be letters, digits, _ . -', 'model');
  }
  mkdirSync(options.dir, { recursive: true });
  const file = resolve(options.dir, `${options.name}-${options.version}.json`);
  writeFileSync(file, `${JSON.stringify(trained.model, null, 2)}\n`);
  const record: ModelRecord = {
    name: options.name,
    version: options.version,
    kind: trained.model.kind,
    parameters: { features: [...trained.model.features], horizonBars: trained.model.horizonBars, timeframe: trained.model.timeframe, split: { ...trained.split } },
    metrics: { train: metricsJson(trained.train), validation: metricsJson(trained.validation) },
    artifactUri: pathToFileURL(file).href,
    stage: options.stage ?? 'research',
    createdAt: options.createdAt ?? Date.now(),
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
  await registry.register(record);
  return record;
}

/**
 * Reads and validates an artefact: a `file:` URI, a path, or a base64 `data:` URI (models trained
 * by the API's jobs keep their artefact in the registry row, so every server sharing the
 * database can load them).
 */
export function readModelArtifact(uri: string): LogisticModel {
  const inline = uri.startsWith('data:');
  const path = inline ? 'data: URI' : uri.startsWith('file:') ? fileURLToPath(uri) : uri;
  let parsed: unknown;
  try {
    parsed = JSON.parse(inline ? Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64').toString('utf8') : readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DataError(`cannot read the model artefact: ${errorMessage(error)}`, { source: path }, { cause: error });
  }
  const result = logisticModelSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new DataError(issue.message, { source: path, field: issue.path.map(String).join('.') });
  }
  return result.data;
}

/**
 * Loads a model from the registry: a version, or the newest (optionally at a stage).
 * @throws ConfigurationError when the registry has no such model; DataError when the artefact is bad.
 */
export async function loadModel(registry: Pick<ModelRegistry, 'get'>, name: string, version?: string, stage?: ModelStage): Promise<{ readonly record: ModelRecord; readonly model: LogisticModel }> {
  const record = await registry.get(name, version, stage);
  if (!record) throw new ConfigurationError(`no model "${name}"${version ? ` version ${version}` : ''}${stage ? ` at stage ${stage}` : ''} in the registry`, 'model');
  if (record.kind !== 'logistic') throw new ConfigurationError(`model ${name} ${record.version} is a ${record.kind} model; the ML head loads logistic models`, 'model');
  return { record, model: readModelArtifact(record.artifactUri) };
}
