/** Market data in: loaders, validation and repair, resampling, funding rates, bundled data sets. */
export * from './load.js';
export { parseDataFileName, type NameInfo, type CandleType } from './file-name.js';
export { BUNDLED_DATA_DIR, bundledDataPath, bundledDataSets, type BundledDataSet } from './bundled.js';
