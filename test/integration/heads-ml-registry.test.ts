/**
 * The ML head's model lifecycle on real data: train the default direction model on bundled BTC/USDT
 * hourly bars (time-ordered split, purged), save the JSON artefact and its `ml_models` row in a
 * SQLite registry, load it back, and run the head from the loaded model — its probabilities are
 * the trained model's, bar for bar.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors.js';
import { bundledDataPath, loadBars } from '../../src/data/index.js';
import { generateFeatures } from '../../src/features/pipeline.js';
import { defineFeatureSet } from '../../src/features/schema.js';
import { defaultFeatureSet } from '../../src/features/default-set.js';
import { DEFAULT_MODEL_FEATURES, predictProbability, trainDirectionModel } from '../../src/heads/ml/logistic.js';
import { mlHead } from '../../src/heads/ml/ml-head.js';
import { loadModel, readModelArtifact, saveModel } from '../../src/heads/ml/model-store.js';
import { replayHeads } from '../../src/heads/replay.js';
import { openStorage } from '../../src/storage/open.js';
import { tempDir } from '../kit/tmp.js';

const dir = tempDir('arbiter-ml-');
afterAll(() => dir.remove());

describe('ML head: train, register, load, predict', () => {
  it('round-trips a trained model through the registry and predicts with it', async () => {
    const table = (await loadBars(bundledDataPath('BTC_USDT-1h.csv'))).table;
    const trained = trainDirectionModel(table, { horizonBars: 4 });
    expect(trained.model.features).toEqual([...DEFAULT_MODEL_FEATURES]);
    expect(trained.split.trainEnd).toBeLessThan(trained.split.validationStart);
    const storage = await openStorage(`sqlite:${dir.file('models.db')}`);
    try {
      const row = await saveModel(storage.models, trained, { dir: dir.file('artifacts'), name: 'btc-direction', version: '1', createdAt: Date.UTC(2025, 1, 1), description: 'test' });
      expect(row.artifactUri).toMatch(/^file:.*btc-direction-1\.json$/);
      await expect(saveModel(storage.models, trained, { dir: dir.file('artifacts'), name: 'btc-direction', version: '1' })).rejects.toThrow(/already registered/);

      const { record, model } = await loadModel(storage.models, 'btc-direction');
      expect(record).toMatchObject({ name: 'btc-direction', version: '1', kind: 'logistic', stage: 'research', createdAt: Date.UTC(2025, 1, 1) });
      expect(record.metrics).toMatchObject({ validation: { rows: trained.validation.rows, accuracy: trained.validation.accuracy } });
      expect(record.parameters).toMatchObject({ horizonBars: 4, timeframe: '1h', split: { trainRows: trained.split.trainRows } });
      expect(model).toEqual(trained.model);

      // The head from the loaded model says what the model says, bar for bar.
      const frame = generateFeatures(table, defineFeatureSet('m', Object.fromEntries(model.features.map((f) => [f, defaultFeatureSet('1h').features[f]!]))));
      const rows = replayHeads([mlHead({ model, minEdge: 0 })], table);
      let spoke = 0;
      for (const r of rows) {
        const s = r.evaluations[0]?.signal;
        const p = predictProbability(model, frame.columns.map((c) => c[r.index]!));
        if (!Number.isFinite(p)) continue;
        expect(s, `bar ${r.index}`).toBeDefined();
        expect(s!.inputs.probabilityUp as number).toBeCloseTo(p, 6);
        spoke++;
      }
      expect(spoke).toBeGreaterThan(500);
      await expect(loadModel(storage.models, 'nope')).rejects.toThrow('model: no model "nope" in the registry');
    } finally {
      await storage.close();
    }
  });

  it('refuses a damaged artefact, naming the file and field', () => {
    const file = dir.file('bad.json');
    writeFileSync(file, JSON.stringify({ kind: 'logistic', features: ['a', 'b'], mean: [0, 0], std: [1, 1], weights: [1], bias: 0, horizonBars: 4, timeframe: '1h' }));
    expect(() => readModelArtifact(file)).toThrow(DataError);
    expect(() => readModelArtifact(file)).toThrow(/field "weights": features, mean, std and weights must have the same length/);
  });
});
