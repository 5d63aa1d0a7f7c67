/** The engine's public API (package export "./core"). */
export * from './types';
export { analyze, analyzeHeaders, analyzeStream, isMessage, type FullAnalyzeOptions } from './analyze';
export { splitHeaders } from './parse/headers';
export { TOOL_NAME, TOOL_VERSION } from './version';
