import { ApiError } from './api-error.js';

/**
 * Lets at most `concurrency` generations run at once; later requests wait in a first-in first-out
 * queue of at most `maxQueue` (beyond that a 503). A waiter whose client leaves is dropped from the queue.
 */
export class ConcurrencyLimiter {
  private running = 0;
  private readonly waiting: { grant: () => void; reject: (e: Error) => void }[] = [];

  constructor(readonly concurrency: number, readonly maxQueue: number) {}

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with a release function once a slot is free. */
  acquire(signal: AbortSignal): Promise<() => void> {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.running--;
    };
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve(release);
    }
    if (this.waiting.length >= this.maxQueue) {
      return Promise.reject(new ApiError(503, `the server is busy: ${this.running} generations running and ${this.waiting.length} waiting; retry later`, null, 'server_busy', 'server_busy'));
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
        reject,
      };
      const onAbort = () => {
        const at = this.waiting.indexOf(entry);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(new Error('aborted while queued'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }
}
