/** Parity with PyTorch fixtures: the kind registry, comparison helpers and the runner. */
export * from './registry.js';
export { formatOutcome, formatSummary, listCases, runParity, type CaseOutcome, type ParitySummary, type RunOptions } from './runner.js';
