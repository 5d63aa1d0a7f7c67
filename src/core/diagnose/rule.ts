/**
 * What a rule is: one file in ./rules, a stable id, a one-line description, and a function from
 * the analysis built so far to findings. Kept apart from the runner (index.ts) so rules depend on
 * this contract only.
 */
import type { Analysis, AnalyzeOptions, Finding } from '../types';

export type DiagnoseOptions = AnalyzeOptions;

export interface RuleContext {
  analysis: Analysis;
  options: DiagnoseOptions;
}

export interface Rule {
  id: string;
  /** One line on what the rule detects (listed in the README and the explanation panel). */
  description: string;
  run(ctx: RuleContext): Finding[];
}
