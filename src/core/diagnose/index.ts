/**
 * Findings: one rule per file in ./rules, each with a stable id. A rule reads the Analysis built
 * so far (route, stamps, decoded headers, verification when present) and returns findings with
 * evidence. Rules never throw into the pipeline: a failing rule becomes an `internal-error` note.
 */
import type { Analysis, Finding, Severity } from '../types';
import type { DiagnoseOptions } from './rule';
import { rules } from './rules';

export type { DiagnoseOptions, Rule, RuleContext } from './rule';

const ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function diagnose(analysis: Analysis, options: DiagnoseOptions = {}): Finding[] {
  const out: Finding[] = [];
  for (const rule of rules) {
    try {
      out.push(...rule.run({ analysis, options }));
    } catch (e) {
      out.push({
        id: 'internal-error',
        severity: 'info',
        message: `Rule ${rule.id} could not run: ${(e as Error).message}`,
        hopIndex: null,
        evidence: [],
        explanation: 'internal-error',
        remedies: [],
      });
    }
  }
  return out.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || (a.hopIndex ?? -1) - (b.hopIndex ?? -1));
}

export { rules };
