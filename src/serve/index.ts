export { ApiError } from './api-error.js';
export { LmServer, type ServerOptions } from './server.js';
export { loadServedModel, readChatTemplate, type ChatTemplate, type ServedModel } from './served-model.js';
export { renderChat } from './chat.js';
export { defaultRequestLimits, type RequestLimits } from './request.js';
export { planCompletion, runCompletion, type CompletionChoice, type CompletionUsage } from './completion.js';
