/** Every failure lmkit reports on purpose is an LmkitError with a stable `code`. */
export type ErrorCode =
  | 'ShapeMismatch'
  | 'InvalidArgument'
  | 'DTypeMismatch'
  | 'NotDifferentiable'
  | 'GraphFreed'
  | 'IndexOutOfRange'
  | 'InvalidFile'
  | 'TensorNotFound'
  | 'Unsupported'
  | 'StateDictMismatch'
  | 'NativeUnavailable'
  | 'DownloadFailed'
  | 'NotCached'
  | 'GradcheckFailed'
  | 'NonFiniteLoss';

export class LmkitError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'LmkitError';
    this.code = code;
  }
}

export function fail(code: ErrorCode, message: string): never {
  throw new LmkitError(code, message);
}
