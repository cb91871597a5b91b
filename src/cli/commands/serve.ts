import type { Command } from 'commander';
import { loadServedModel } from '../../serve/served-model.js';
import { LmServer } from '../../serve/server.js';
import { UsageError, intArg } from '../usage.js';

interface ServeFlags {
  model: string;
  host: string;
  port: number;
  modelName?: string;
  maxConcurrency: number;
  maxQueue: number;
  maxTokens: number;
  maxBodyBytes: number;
  quiet: boolean;
}

export function register(program: Command): void {
  program.command('serve')
    .description('Serve a model over HTTP: OpenAI-style /v1/completions (with streaming), /v1/chat/completions (models with a chat template), /v1/models, /health, and a web playground at /.')
    .requiredOption('--model <dir>', 'a model folder written by `lmkit train` (or a GPT-2 checkpoint folder)')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0: any free port)', intArg('--port', 0), 8080)
    .option('--model-name <name>', 'the model id clients send (default: the folder name)')
    .option('--max-concurrency <n>', 'generations running at once (others wait in a queue)', intArg('--max-concurrency', 1), 1)
    .option('--max-queue <n>', 'requests that may wait for a slot (beyond: 503)', intArg('--max-queue', 0), 64)
    .option('--max-tokens <n>', 'the largest max_tokens a request may ask for', intArg('--max-tokens', 1), 1024)
    .option('--max-body-bytes <n>', 'the largest request body', intArg('--max-body-bytes', 1024), 1 << 20)
    .option('--quiet', 'do not log requests', false)
    .action(async (flags: ServeFlags) => {
      if (flags.port > 65535) throw new UsageError(`--port must be at most 65535, got ${flags.port}`);
      if (flags.modelName !== undefined && flags.modelName.trim() === '') throw new UsageError('--model-name must not be empty');
      const served = await loadServedModel(flags.model, flags.modelName);
      const name = served.name;
      const log = flags.quiet ? undefined : (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const server = new LmServer(served, {
        maxConcurrency: flags.maxConcurrency, maxQueue: flags.maxQueue, maxBodyBytes: flags.maxBodyBytes,
        limits: { maxTokens: flags.maxTokens }, log,
      });
      let address;
      try {
        address = await server.listen(flags.port, flags.host);
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new UsageError(`cannot listen on ${flags.host}:${flags.port} (${err.code ?? err.message})`);
      }
      process.stdout.write(`lmkit serve: model '${name}' at ${address.url} (playground: ${address.url}/, API: ${address.url}/v1)\n`);
      if (!served.chatTemplate) process.stdout.write('lmkit serve: the model has no chat template, so /v1/chat/completions is off\n');
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      process.stdout.write('lmkit serve: stopped\n');
    });
}
