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
export { resolveModel, hubCacheDir, REQUIRED_MODEL_FILES, OPTIONAL_MODEL_FILES, type ResolveModelOptions } from './hub.js';
