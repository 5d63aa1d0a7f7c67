/**
 * SARIF 2.1.0 output: each finding becomes a result whose primary location is the header field it
 * rests on (its first evidence, 1-based lines as SARIF counts them) and whose other evidence are
 * related locations, so GitHub code scanning and VS Code's SARIF viewer open the message at the
 * right header line. Files that could not be analysed become tool execution notifications.
 *
 * Pure: no I/O, no clock. The caller computes the artifact URIs (relative URIs with a uriBaseId,
 * or absolute file: URIs) and passes the base URIs. Finding messages quote header text, which is
 * attacker-controlled: control and bidi characters are removed and square brackets escaped (a
 * SARIF plain-text message reads `[text](target)` as an embedded link).
 */
import type { LineRange, Severity } from '../types';
import { rules as RULES } from '../diagnose/rules';
import { explanationFor } from '../diagnose/explanations';
import { TOOL_NAME, TOOL_VERSION } from '../version';
import { displayText } from '../present/text';

export const SARIF_VERSION = '2.1.0';
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** The part of a Finding the SARIF writer reads (a full Finding fits). */
export interface SarifFindingInput {
  id: string;
  severity: Severity;
  message: string;
  evidence: ReadonlyArray<{ header?: string; lines: LineRange; note?: string }>;
}

export interface SarifArtifactInput {
  /** A URI reference: relative (with uriBaseId) or absolute (file:///…). Already percent-encoded. */
  uri: string;
  uriBaseId?: string;
  byteLength?: number;
  findings: readonly SarifFindingInput[];
}

export interface SarifNotificationInput {
  level: 'error' | 'warning' | 'note';
  message: string;
  uri?: string;
  uriBaseId?: string;
}

export interface SarifOptions {
  toolName?: string;
  toolVersion?: string;
  informationUri?: string;
  /** uriBaseId → absolute URI ending in '/' (run.originalUriBaseIds). */
  baseUris?: Record<string, string>;
  notifications?: readonly SarifNotificationInput[];
  /** False when the run could not analyse anything. Default true. */
  executionSuccessful?: boolean;
  /** Leave info-level findings out. Default false (they become level "note"). */
  omitInfo?: boolean;
}

// A minimal typed view of what we emit.
export interface SarifMessage {
  text: string;
}
export interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
  index?: number;
}
export interface SarifRegion {
  startLine: number;
  endLine: number;
}
export interface SarifLocation {
  id?: number;
  physicalLocation: { artifactLocation: SarifArtifactLocation; region?: SarifRegion };
  message?: SarifMessage;
}
export interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help?: SarifMessage;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties?: { tags: string[] };
}
export type SarifLevel = 'error' | 'warning' | 'note' | 'none';
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: { name: string; version: string; semanticVersion?: string; informationUri?: string; rules: SarifRule[] } };
    originalUriBaseIds?: Record<string, { uri: string }>;
    artifacts: Array<{ location: SarifArtifactLocation; length?: number; mimeType: string; roles: string[] }>;
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ level: SarifLevel; message: SarifMessage; locations?: SarifLocation[] }> }>;
    results: SarifResult[];
    columnKind: 'utf16CodeUnits';
  }>;
}

const MAX_TEXT = 4000;

/**
 * Plain text for a SARIF message: displayText with control and bidi characters dropped
 * (src/core/present/text.ts: whitespace collapsed, bounded), then brackets escaped so a viewer
 * renders no link.
 */
export function sarifText(text: string, max = MAX_TEXT): string {
  let out = '';
  for (const ch of displayText(text, { max: max + 1, unsafe: 'drop' })) out += ch === '[' || ch === ']' ? `\\${ch}` : ch;
  return out;
}

const LEVEL: Record<Severity, SarifLevel> = { error: 'error', warning: 'warning', info: 'note' };
const RANK: Record<SarifLevel, number> = { error: 3, warning: 2, note: 1, none: 0 };

/** "spf-evaluated-on-relay" → "SpfEvaluatedOnRelay" (reportingDescriptor.name). */
export function ruleName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
}

function isAbsoluteHttpUri(u: string): boolean {
  return /^https:\/\/[A-Za-z0-9.-]+(?:[/?#][\x21-\x7e]*)?$/.test(u);
}

/** The rule descriptor for a finding id, from the rule list and the explanation texts. */
export function ruleDescriptor(id: string, level: SarifLevel): SarifRule {
  const rule = RULES.find((r) => r.id === id);
  const ex = explanationFor(id);
  const short = ex?.title ?? rule?.description ?? id;
  const full = ex?.whatHappened ?? rule?.description ?? short;
  const d: SarifRule = {
    id,
    name: ruleName(id) || 'Finding',
    shortDescription: { text: sarifText(short, 300) },
    fullDescription: { text: sarifText(full) },
    defaultConfiguration: { level },
    properties: { tags: ['email', 'mail-flow'] },
  };
  if (ex) {
    const help = [ex.howToFix && `How to fix: ${ex.howToFix}`, ex.howToVerify && `How to verify: ${ex.howToVerify}`].filter(Boolean).join(' ');
    if (help) d.help = { text: sarifText(help) };
    const doc = ex.docs.find((x) => isAbsoluteHttpUri(x.url));
    if (doc) d.helpUri = doc.url;
  }
  return d;
}

function region(lines: LineRange): SarifRegion {
  const start = Math.max(1, Math.floor(lines.startLine) + 1);
  const end = Math.max(start, Math.floor(lines.endLine) + 1);
  return { startLine: start, endLine: end };
}

/** Builds the SARIF log for the analysed messages (one run, one artifact per message). */
export function buildSarifLog(inputs: Iterable<SarifArtifactInput>, options: SarifOptions = {}): SarifLog {
  const rulesById = new Map<string, SarifRule>();
  const pending: Array<{ f: SarifFindingInput; art: SarifArtifactLocation }> = [];
  const artifacts: SarifLog['runs'][0]['artifacts'] = [];

  for (const input of inputs) {
    const index = artifacts.length;
    const loc: SarifArtifactLocation = { uri: input.uri, ...(input.uriBaseId ? { uriBaseId: input.uriBaseId } : {}) };
    artifacts.push({
      location: { ...loc },
      ...(typeof input.byteLength === 'number' && input.byteLength >= 0 ? { length: Math.floor(input.byteLength) } : {}),
      mimeType: 'message/rfc822',
      roles: ['analysisTarget'],
    });
    for (const f of input.findings) {
      if (options.omitInfo && f.severity === 'info') continue;
      pending.push({ f, art: { ...loc, index } });
      const level = LEVEL[f.severity] ?? 'warning';
      const have = rulesById.get(f.id);
      if (!have) rulesById.set(f.id, ruleDescriptor(f.id, level));
      else if (RANK[level] > RANK[have.defaultConfiguration.level]) have.defaultConfiguration.level = level;
    }
  }

  const ruleList = [...rulesById.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const ruleIndex = new Map(ruleList.map((r, i) => [r.id, i]));

  const results: SarifResult[] = pending.map(({ f, art }) => {
    const ev = f.evidence.filter((e) => e && e.lines && Number.isFinite(e.lines.startLine));
    const primary = ev[0];
    const location: SarifLocation = {
      physicalLocation: { artifactLocation: art, region: primary ? region(primary.lines) : { startLine: 1, endLine: 1 } },
      message: { text: sarifText(primary?.header ? `${primary.header}${primary.note ? `: ${primary.note}` : ''}` : 'the message', 500) },
    };
    const result: SarifResult = {
      ruleId: f.id,
      ruleIndex: ruleIndex.get(f.id)!,
      level: LEVEL[f.severity] ?? 'warning',
      message: { text: sarifText(f.message) || f.id },
      locations: [location],
    };
    const related: SarifLocation[] = [];
    const seen = new Set<string>();
    for (const e of ev.slice(1)) {
      const r = region(e.lines);
      const key = `${r.startLine}-${r.endLine}-${e.header ?? ''}-${e.note ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      related.push({
        id: related.length + 1,
        physicalLocation: { artifactLocation: art, region: r },
        message: { text: sarifText(`${e.header ?? 'header'}${e.note ? `: ${e.note}` : ''}`, 500) },
      });
    }
    if (related.length) result.relatedLocations = related;
    return result;
  });

  const notifications = (options.notifications ?? []).map((n) => ({
    level: n.level,
    message: { text: sarifText(n.message) || 'error' },
    ...(n.uri ? { locations: [{ physicalLocation: { artifactLocation: { uri: n.uri, ...(n.uriBaseId ? { uriBaseId: n.uriBaseId } : {}) } } }] } : {}),
  }));

  const version = options.toolVersion ?? TOOL_VERSION;
  const driver: SarifLog['runs'][0]['tool']['driver'] = {
    name: options.toolName ?? TOOL_NAME,
    version,
    ...(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?$/.test(version) ? { semanticVersion: version } : {}),
    ...(options.informationUri && isAbsoluteHttpUri(options.informationUri) ? { informationUri: options.informationUri } : {}),
    rules: ruleList,
  };
  const run: SarifLog['runs'][0] = {
    tool: { driver },
    artifacts,
    invocations: [{ executionSuccessful: options.executionSuccessful ?? true, ...(notifications.length ? { toolExecutionNotifications: notifications } : {}) }],
    results,
    columnKind: 'utf16CodeUnits',
  };
  if (options.baseUris && Object.keys(options.baseUris).length) {
    run.originalUriBaseIds = Object.fromEntries(Object.entries(options.baseUris).map(([k, v]) => [k, { uri: v }]));
  }
  return { $schema: SARIF_SCHEMA_URI, version: SARIF_VERSION, runs: [run] };
}

/** Percent-encodes each segment of a relative POSIX path into a URI reference ("a b/c.eml" → "a%20b/c.eml"). */
export function relativePathToUri(relPosixPath: string): string {
  return relPosixPath
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}
