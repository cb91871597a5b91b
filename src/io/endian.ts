/** True on little-endian hosts, where typed arrays read safetensors' little-endian data as is. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
