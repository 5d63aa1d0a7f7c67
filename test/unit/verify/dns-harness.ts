// The real DNS server on loopback (test/harness/dns-server.js, plain JavaScript so integration tests
// can load it too), typed for the unit tests. Compiled to out/test/unit/verify/; the harness stays
// where it is.
import * as path from 'node:path';

export interface DnsServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

const harness: { startDnsServer(o: { zone: Record<string, unknown> }): Promise<DnsServer> } = require(
  path.resolve(__dirname, '../../../../test/harness/dns-server.js'),
);

/** dnsmasq on 127.0.0.1 answering only from `zone` (see test/harness/dns-server.js for its shape). */
export function startDnsServer(zone: Record<string, unknown>): Promise<DnsServer> {
  return harness.startDnsServer({ zone });
}
