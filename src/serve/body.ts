import type http from 'node:http';
import { ApiError, badRequest } from './api-error.js';

/**
 * Reads a request body of at most `limit` bytes and parses it as UTF-8 JSON. A larger body is refused
 * as soon as its size is known (Content-Length, or while streaming) without buffering the rest.
 */
export function readJsonBody(req: http.IncomingMessage, limit: number): Promise<unknown> {
  const tooLarge = () => new ApiError(400, `the request body is larger than the server's limit of ${limit} bytes`, null, 'body_too_large');
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (e) => { if (!failed) { failed = true; reject(e); } });
    req.on('end', () => {
      if (failed) return;
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
      } catch {
        reject(badRequest('the request body is not valid UTF-8', null, 'invalid_body'));
        return;
      }
      if (text.trim() === '') {
        reject(badRequest('the request body is empty (expected a JSON object)', null, 'invalid_body'));
        return;
      }
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(badRequest(`the request body is not valid JSON (${(e as Error).message})`, null, 'invalid_json'));
      }
    });
  });
}
