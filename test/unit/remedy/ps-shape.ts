/**
 * A small PowerShell-ish tokenizer for the tests: it reads single-quoted literals the way
 * PowerShell's tokenizer does (U+0027, U+2018, U+2019, U+201A and U+201B all quote; two quote
 * characters in a row are one literal quote), replaces each literal with S, and requires the rest of
 * the line to match one of an allow-list of command shapes. Arguments may only be single-quoted
 * literals, $true/$false/$null, the known variable $sealers, @{Add=…}/@{Remove=…} of literals, or
 * one of a few constant words. Anything else (an unbalanced quote, `$(`, a backtick, `;`, `|` outside
 * the fixed pipelines, a double-quoted string) fails the line.
 */
import { parseIpSpec } from '../../../src/core/net/ip';

const QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);

export interface ScannedLine {
  /** The line with every literal replaced by S. */
  shape: string;
  /** The decoded literal values, in order. */
  literals: string[];
}

/** Throws when a literal is not closed. */
export function scanLiterals(line: string): ScannedLine {
  let shape = '';
  const literals: string[] = [];
  const chars = [...line];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (QUOTES.has(c)) {
      let v = '';
      i++;
      for (;;) {
        if (i >= chars.length) throw new Error(`unterminated literal in: ${line}`);
        const d = chars[i];
        if (QUOTES.has(d)) {
          if (i + 1 < chars.length && QUOTES.has(chars[i + 1])) {
            v += chars[i + 1];
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += d;
        i++;
      }
      literals.push(v);
      shape += 'S';
      continue;
    }
    shape += c;
    i++;
  }
  return { shape, literals };
}

const LIT = "S(?:,S)*";
const VALUE = `(?:${LIT}|\\$true|\\$false|\\$null|\\$sealers|@\\{(?:Add|Remove)=${LIT}\\}|Default|Partner|OnPremises|MX)`;

const COMMANDS: Record<string, string[]> = {
  'Set-InboundConnector': ['Identity', 'EFSkipLastIP', 'EFSkipIPs', 'EFUsers', 'Enabled'],
  'New-InboundConnector': [
    'Name',
    'ConnectorType',
    'SenderDomains',
    'RequireTls',
    'RestrictDomainsToIPAddresses',
    'RestrictDomainsToCertificate',
    'SenderIPAddresses',
    'TlsSenderCertificateName',
  ],
  'Remove-InboundConnector': ['Identity'],
  'Set-ArcConfig': ['Identity', 'ArcTrustedSealers'],
  'Disable-TransportRule': ['Identity'],
  'Enable-TransportRule': ['Identity'],
  'Set-HostedConnectionFilterPolicy': ['Identity', 'IPAllowList'],
  'Resolve-DnsName': ['Name', 'Type'],
  'Set-OrganizationConfig': ['RejectDirectSend'],
};

const COMMAND_SHAPES = Object.entries(COMMANDS).map(
  ([cmd, params]) => new RegExp(`^${cmd}(?: -(?:${params.join('|')}) ${VALUE})+$`),
);

const FIXED = new Set([
  'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,EFSkipLastIP,EFSkipIPs,EFUsers',
  'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderDomains,SenderIPAddresses,RestrictDomainsToIPAddresses,RestrictDomainsToCertificate,RequireTls,TlsSenderCertificateName',
  'Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderDomains,SenderIPAddresses',
  'Get-AcceptedDomain | Format-Table DomainName,DomainType',
  'Get-TransportRule | Where-Object { $_.SetSCL -eq -1 } | Format-Table Name,State,Priority,SetSCL',
  'Get-HostedConnectionFilterPolicy -Identity Default | Format-List IPAllowList',
  'Get-ArcConfig | Format-List ArcTrustedSealers',
  'Get-OrganizationConfig | Format-List RejectDirectSend',
  "$sealers = @((Get-ArcConfig).ArcTrustedSealers) -join S -split S | ForEach-Object { $_.Trim() } | Where-Object { $_ }",
  'Set-ArcConfig -Identity Default -ArcTrustedSealers $sealers',
  'if (-not $sealers) { $sealers = S }',
]);
const PIPELINE_SHAPES = [
  new RegExp(`^\\$sealers = @\\(\\$sealers\\) \\+ ${LIT} \\| Sort-Object -Unique$`),
  new RegExp(`^\\$sealers = @\\(\\(Get-ArcConfig\\)\\.ArcTrustedSealers\\) -join S -split S \\| ForEach-Object \\{ \\$_\\.Trim\\(\\) \\} \\| Where-Object \\{ \\$_ -and \\$_ -notin @\\(${LIT}\\) \\}$`),
];

/** Why a line is outside the allowed shapes, or undefined when it is fine. */
export function lineProblem(line: string): string | undefined {
  if (/[\r\n\u0000\u2028\u2029\u0085]/.test(line)) return 'line break inside a line';
  if (line === '') return undefined;
  if (line.startsWith('#')) return undefined;
  let scanned: ScannedLine;
  try {
    scanned = scanLiterals(line);
  } catch (e) {
    return (e as Error).message;
  }
  const { shape } = scanned;
  if (FIXED.has(shape)) return undefined;
  if (PIPELINE_SHAPES.some((r) => r.test(shape))) return undefined;
  if (COMMAND_SHAPES.some((r) => r.test(shape))) return undefined;
  return `line outside the allowed command shapes: ${shape}`;
}

/** Parameter values by name for a generated command line (literals decoded). */
export function paramLiterals(line: string): Record<string, string[]> {
  const { shape, literals } = scanLiterals(line);
  const out: Record<string, string[]> = {};
  let li = 0;
  const re = / -([A-Za-z]+) (\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(shape))) {
    const n = (m[2].match(/S/g) ?? []).length;
    out[m[1]] = literals.slice(li, li + n);
    li += n;
  }
  return out;
}

/** The literals in IP parameters must be canonical IPs/ranges (or the documented placeholder). */
export function ipParamProblem(line: string): string | undefined {
  if (line.startsWith('#') || !line) return undefined;
  const p = paramLiterals(line);
  for (const name of ['EFSkipIPs', 'SenderIPAddresses', 'IPAllowList']) {
    for (const v of p[name] ?? []) {
      if (v === '<gateway IP>' || v === '<device IP>') continue;
      const spec = parseIpSpec(v);
      if (!spec || spec.text !== v) return `${name} value ${JSON.stringify(v)} is not a canonical IP`;
    }
  }
  return undefined;
}
