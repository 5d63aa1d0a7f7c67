/**
 * Typed bindings to the parts of mailauth 7.1.0 the verifier uses. Deep requires only: the package
 * index loads undici (BIMI), which does not load on Node 20. The interfaces describe only the
 * fields we read; everything else mailauth returns is ignored.
 */
import type { DnsResolver } from './resolver';

export interface MailauthDkimStatus {
  result: string;
  comment?: string;
  underSized?: number;
  aligned?: string | false;
}

export interface MailauthDkimResult {
  signingDomain?: string;
  selector?: string;
  /** The b= value. */
  signature?: string;
  algo?: string;
  format?: string;
  bodyHash?: string;
  bodyHashExpecting?: string;
  signingHeaders?: { keys: string; headers: string[]; canonicalizedHeader: string };
  status: MailauthDkimStatus;
  signTime?: string | null;
  expiresAfter?: string | null;
  canonBodyLength?: number;
  canonBodyLengthTotal?: number;
  canonBodyLengthLimited?: boolean;
  canonBodyLengthLimit?: number;
  publicKey?: string;
  info?: string;
}

export interface MailauthParsedTag {
  value: unknown;
}

export interface MailauthArcHeader {
  parsed?: Record<string, MailauthParsedTag | undefined>;
  original?: Buffer;
}

export interface MailauthArcInstance {
  i: number;
  'arc-seal'?: MailauthArcHeader;
  'arc-message-signature'?: MailauthArcHeader;
  'arc-authentication-results'?: MailauthArcHeader;
  messageSignature?: MailauthDkimResult;
}

export interface MailauthArcData {
  chain: MailauthArcInstance[] | false;
  lastEntry?: MailauthArcInstance & { messageSignature?: MailauthDkimResult };
  error?: Error & { code?: string };
}

export interface MailauthDkimVerifyResult {
  headerFrom: string[];
  envelopeFrom: string | false;
  results: MailauthDkimResult[];
  /** Non-enumerable in mailauth; present when the message has ARC headers. */
  arc?: MailauthArcData;
}

export interface DkimVerifyOptions {
  resolver: DnsResolver;
  sender?: string;
  curTime: Date;
  minBitLength?: number;
}

export interface MailauthSpfResult {
  domain?: string;
  'client-ip'?: string;
  rr?: string;
  status: { result: string; comment?: string };
  lookups?: { limit: number; count: number; void: number };
}

export interface SpfOptions {
  sender: string;
  ip: string;
  helo?: string;
  mta: string;
  resolver: DnsResolver;
  maxResolveCount?: number;
  maxVoidCount?: number;
}

export interface MailauthDmarcRecord {
  v?: string;
  p?: string;
  sp?: string;
  np?: string;
  adkim?: string;
  aspf?: string;
  pct?: number;
  t?: string;
  rr: string;
  isOrgRecord: boolean;
  recordDomain: string;
  orgDomain: string | null;
}

interface DkimVerifyModule {
  dkimVerify(input: Buffer, options: DkimVerifyOptions): Promise<MailauthDkimVerifyResult>;
}
interface ArcModule {
  verifyASChain(data: { chain: MailauthArcInstance[] }, opts: { resolver: DnsResolver; minBitLength?: number }): Promise<boolean>;
}
interface SpfModule {
  spf(opts: SpfOptions): Promise<MailauthSpfResult>;
}
interface DmarcRecordModule {
  (domain: string, resolver: DnsResolver, opts?: { strict?: boolean }): Promise<MailauthDmarcRecord | false>;
}
interface ToolsModule {
  getAlignment(fromDomain: string, domainList: string[], strict?: boolean): { domain: string } | false;
  getPublicKey(
    type: string,
    name: string,
    minBitLength: number | undefined,
    resolver: DnsResolver,
    options?: { hashAlgo?: string },
  ): Promise<{ publicKey: string | Buffer; keyType?: string }>;
  formatDomain(domain: string): string;
}

// Loaded lazily so that importing the engine costs nothing until a verification runs.
let cache: { dkim: DkimVerifyModule; arc: ArcModule; spf: SpfModule; dmarcRecord: DmarcRecordModule; tools: ToolsModule } | undefined;

export function mailauth() {
  if (!cache) {
    cache = {
      dkim: require('mailauth/lib/dkim/verify') as DkimVerifyModule,
      arc: require('mailauth/lib/arc') as ArcModule,
      spf: require('mailauth/lib/spf') as SpfModule,
      dmarcRecord: require('mailauth/lib/dmarc/get-dmarc-record') as DmarcRecordModule,
      tools: require('mailauth/lib/tools') as ToolsModule,
    };
  }
  return cache;
}
