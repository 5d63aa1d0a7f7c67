/** Product identity stamped into every Analysis (kept equal to package.json by a unit test). */
export const TOOL_NAME = 'mailflow-lens';
export const TOOL_VERSION = '0.1.0';
