export {
  loadSafetensors,
  parseSafetensors,
  readSafetensorsHeader,
  saveSafetensors,
  serializeSafetensors,
  type LoadOptions,
  type SafetensorsDType,
  type SafetensorsFile,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
  type SaveOptions,
} from './safetensors.js';
export { resolveModel, hubCacheDir, OPTIONAL_MODEL_FILES, type DownloadProgress, type ResolveModelOptions } from './hub.js';
export { loadModelWeights, modelWeightFiles, readShardIndex } from './model-files.js';
