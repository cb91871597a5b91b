/**
 * Errors the server reports to clients, in OpenAI's shape:
 * `{ error: { message, type, param, code } }` with an HTTP status.
 */
export type ApiErrorType = 'invalid_request_error' | 'not_found_error' | 'server_error' | 'server_busy';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly type: ApiErrorType = status >= 500 ? 'server_error' : status === 404 ? 'not_found_error' : 'invalid_request_error',
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** A 400 naming the request field at fault. */
export const badRequest = (message: string, param: string | null = null, code: string | null = 'invalid_value') =>
  new ApiError(400, message, param, code);
