import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { LoadStateDictOptions, LoadStateDictResult, Module } from './module.js';

/**
 * Writes `module.stateDict()` as a safetensors file (atomically), under PyTorch's names, so
 * `torch.nn.Module.load_state_dict(safetensors.torch.load_file(path))` reads it back.
 */
export function saveStateDict(module: Module, path: string, metadata?: Record<string, string>): void {
  saveSafetensors(path, module.stateDict(), metadata);
}

/**
 * Loads a safetensors state dict into `module` (see Module.loadStateDict: strict by default; a mismatch
 * is a StateDictMismatch error listing missing keys, unexpected keys and shape differences).
 */
export function loadStateDictFile(module: Module, path: string, opts: LoadStateDictOptions = {}): LoadStateDictResult {
  const { tensors } = loadSafetensors(path, { float64: true });
  return module.loadStateDict(tensors, opts);
}
