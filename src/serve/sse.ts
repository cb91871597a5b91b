import type http from 'node:http';

/** Writes Server-Sent Events (`data: <json>\n\n`), waiting when the client reads slowly. */
export class SseWriter {
  constructor(private readonly res: http.ServerResponse) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  /** Sends one event; resolves once the socket can take more (or is gone). */
  async send(data: unknown): Promise<void> {
    if (this.closed) return;
    const line = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
    if (this.res.write(line)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  /** Sends `data: [DONE]` and ends the response. */
  finish(): void {
    if (this.closed) return;
    this.res.end('data: [DONE]\n\n');
  }
}
