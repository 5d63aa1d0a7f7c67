/** The Route view's icons and colours: hop roles, segments, result outcomes, verdicts and severities. */
import * as vscode from 'vscode';
import type { Analysis, AuthSummary, Finding, Hop, Segment } from '../../core/types';

export const PASSED = new vscode.ThemeColor('testing.iconPassed');
export const FAILED = new vscode.ThemeColor('testing.iconFailed');
export const WARNED = new vscode.ThemeColor('list.warningForeground');
export const ERROR_FG = new vscode.ThemeColor('errorForeground');

/** The codicon for a hop's role (Microsoft 365 and Google receivers get their own). */
export function hopIconId(hop: Hop, receiver: Analysis['boundary']['receiver'] = 'unknown'): string {
  const receiverIcon = receiver === 'exchange-online' ? 'cloud' : receiver === 'gmail' ? 'mail' : 'server';
  switch (hop.role) {
    case 'gateway':
      return 'shield';
    case 'origin':
      return 'person';
    case 'sender-internal':
      return 'server';
    case 'receiver-edge':
    case 'receiver-internal':
      // inside the receiver: its own icon even where the host name does not tell (Gmail's internal hops are bare IPv6)
      return hop.byOperator === 'microsoft365' ? 'cloud' : hop.byOperator === 'google' ? 'mail' : receiverIcon;
    default:
      return hop.byOperator === 'microsoft365' ? 'cloud' : hop.byOperator === 'google' ? 'mail' : 'question';
  }
}

/** The codicon of an organisation segment. */
export function segmentIconId(seg: Segment, receiver: Analysis['boundary']['receiver'] = 'unknown'): string {
  switch (seg.role) {
    case 'recipient':
      return receiver === 'exchange-online' ? 'cloud' : receiver === 'gmail' ? 'mail' : 'server';
    case 'recipient-gateway':
      return 'shield';
    case 'intermediary':
      return seg.kind === 'mailing-list' ? 'broadcast' : 'references';
    default:
      return 'person';
  }
}

export type Outcome = 'pass' | 'fail' | 'warn' | 'neutral';

export function outcomeOf(result: string | undefined): Outcome {
  const r = (result ?? '').toLowerCase();
  if (r === 'pass' || r === 'bestguesspass') return 'pass';
  if (r === 'fail' || r === 'hardfail' || r === 'permerror') return 'fail';
  if (r === 'softfail' || r === 'temperror' || r === 'neutral') return 'warn';
  return 'neutral';
}

export function outcomeIcon(o: Outcome): vscode.ThemeIcon {
  switch (o) {
    case 'pass':
      return new vscode.ThemeIcon('pass', PASSED);
    case 'fail':
      return new vscode.ThemeIcon('error', FAILED);
    case 'warn':
      return new vscode.ThemeIcon('warning', WARNED);
    default:
      return new vscode.ThemeIcon('circle-outline');
  }
}

export function summaryOutcome(s: AuthSummary): Outcome {
  const values = (Object.values(s) as Array<string | undefined>).map((v) => outcomeOf(v));
  if (values.includes('fail')) return 'fail';
  if (values.includes('warn')) return 'warn';
  if (values.length && values.every((v) => v === 'pass')) return 'pass';
  return 'neutral';
}

/** The icon of a verdict class. */
export function verdictIcon(v: Analysis['facts']['verdict']['class']): vscode.ThemeIcon {
  switch (v) {
    case 'authentic':
      return new vscode.ThemeIcon('pass', PASSED);
    case 'broken-in-transit':
      return new vscode.ThemeIcon('error', FAILED);
    case 'never-authentic':
      return new vscode.ThemeIcon('error', FAILED);
    default:
      return new vscode.ThemeIcon('question', WARNED);
  }
}

export function severityIcon(severity: Finding['severity']): vscode.ThemeIcon {
  if (severity === 'error') return new vscode.ThemeIcon('error', ERROR_FG);
  if (severity === 'warning') return new vscode.ThemeIcon('warning', WARNED);
  return new vscode.ThemeIcon('info');
}
