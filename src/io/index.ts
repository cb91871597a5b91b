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
