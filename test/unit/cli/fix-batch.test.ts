/**
 * The folder fix (`fix <folder> --kind efc`) starts from the connector's current state. Written
 * blind, "-EFSkipLastIP $false -EFSkipIPs <every relay>" switched automatic last-hop skipping off
 * on a connector that used it and re-listed relays Enhanced Filtering already skipped. Here the
 * fixture scenarios run through the whole pipeline (recorded DNS, as `--dns recorded:` gives) and
 * are consolidated under each state the CLI accepts; the scripts are pinned by golden files in
 * test/fixtures/golden/folder-fix/ (UPDATE_GOLDEN=1 rewrites them; review the diff).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Analysis } from '../../../src/core/types';
import { analyze } from '../../../src/core/analyze';
import { ConnectorStateError, EfcConsolidator, connectorStateFromOption, parseConnectorState, type ConnectorState } from '../../../src/cli/fix-batch';
import { efcFacts } from '../../../src/cli/engine';
import { SCENARIOS, buildCached, zoneResolver } from '../../fixtures/scenarios';
import { proofpointOnPremToEop } from '../remedy/analysis-builder';

const GOLDEN_DIR = path.resolve(__dirname, '../../../../test/fixtures/golden/folder-fix');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function checkGolden(name: string, text: string): void {
  const file = path.join(GOLDEN_DIR, `${name}.txt`);
  if (UPDATE) {
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    fs.writeFileSync(file, text);
    return;
  }
  assert.ok(fs.existsSync(file), `golden file ${file} is missing (UPDATE_GOLDEN=1 creates it)`);
  assert.equal(text, fs.readFileSync(file, 'utf8'), `${name}: the folder fix differs from ${file}`);
}

let cache: Array<readonly [string, Analysis]> | undefined;
async function analyses(): Promise<Array<readonly [string, Analysis]>> {
  if (cache) return cache;
  cache = await Promise.all(
    SCENARIOS.map(async (sc) => {
      const built = await buildCached(sc.id);
      const a = await analyze(built.bytes, { name: `${sc.id}.eml`, dnsMode: 'recorded', resolver: zoneResolver(built.dnsZone), receivingDomains: [built.facts.recipientDomain] });
      return [sc.id, a] as const;
    }),
  );
  // no fixture scenario has two public hops on a linear route: Internet > Proofpoint > on-premises
  // Exchange > Exchange Online, as the analysis of such a message reads
  cache.push(['proofpoint-onprem-eop', proofpointOnPremToEop()] as const);
  return cache;
}

async function consolidate(ids: string[] | 'all', state: ConnectorState | undefined, connector = 'Inbound from gateways') {
  const c = new EfcConsolidator();
  for (const [id, a] of await analyses()) if (ids === 'all' || ids.includes(id)) c.add(`${id}.eml`, efcFacts(a));
  return c.build(connector, state);
}

/** The one line that changes the connector (the only uncommented Set-InboundConnector). */
function changeLine(script: string): string {
  const lines = script.split('\n').filter((l) => l.startsWith('Set-InboundConnector'));
  assert.equal(lines.length, 1, script);
  return lines[0];
}

function addList(line: string): string[] {
  const m = /-EFSkipIPs @\{Add=('[^']+'(?:,'[^']+')*)\}/.exec(line);
  assert.ok(m, line);
  return m![1].split(',').map((s) => s.slice(1, -1));
}

/** Relays the recipient's side vouches for, of scenarios on a linear route into Exchange Online. */
async function confirmedRelays(ids: string[] | 'all'): Promise<Set<string>> {
  const out = new Set<string>();
  for (const [id, a] of await analyses()) {
    if (ids !== 'all' && !ids.includes(id)) continue;
    const f = efcFacts(a);
    if (f.receiver !== 'exchange-online' || f.nonLinear || !f.hasRelay) continue;
    for (const r of f.relays) if (r.public && r.strength === 'strong') out.add(r.ip);
  }
  return out;
}

// Proofpoint (one public hop, not skip-listed), Mimecast (Enhanced Filtering already works), an
// on-premises server behind NAT, and Proofpoint then on-premises Exchange (two public hops): the
// cases the state decides between
const MIXED = ['proofpoint-banner-eop', 'mimecast-efc-eop', 'hybrid-onprem-to-eop', 'proofpoint-onprem-eop'];
const SINGLE = ['proofpoint-banner-eop', 'proofpoint-subject-tag-arc-eop'];

describe('fix <folder> --kind efc starts from the connector state', () => {
  test('state unknown: only adds with @{Add=…}, leaves EFSkipLastIP alone, rolls back with @{Remove=…}', async () => {
    const out = await consolidate(MIXED, undefined);
    assert.ok(out.script, out.none);
    const change = changeLine(out.script!);
    assert.doesNotMatch(change, /EFSkipLastIP/, 'EFSkipLastIP is not touched without knowing it');
    const added = addList(change);
    const relays = await confirmedRelays(MIXED);
    // relays Enhanced Filtering already skipped (the Mimecast message shows it) are not re-listed
    const mimecast = (await analyses()).find(([id]) => id === 'mimecast-efc-eop')![1];
    const skipped = efcFacts(mimecast).relays.filter((r) => r.public).map((r) => r.ip);
    assert.ok(skipped.length > 0);
    for (const ip of skipped) assert.ok(!added.includes(ip), `${ip} was already skip-listed`);
    assert.deepEqual([...added].sort(), [...relays].filter((ip) => !skipped.includes(ip)).sort());
    assert.match(out.script!, /already skip-listed them in every message that showed them/);
    assert.match(out.script!, new RegExp(`^# Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipIPs @\\{Remove=${added.map((ip) => `'${ip.replace(/\./g, '\\.')}'`).join(',')}\\}$`, 'm'));
    assert.match(out.script!, /look at EFSkipLastIP in the first pre-check/);
    checkGolden('state-unknown', out.script!);
  });

  test('EFSkipLastIP True and only one public hop per message: nothing to change', async () => {
    const out = await consolidate(SINGLE, connectorStateFromOption('last-ip'));
    assert.equal(out.script, undefined);
    assert.match(out.none!, /already skips the last hop automatically \(EFSkipLastIP True, from --connector-efc last-ip\)/);
  });

  test('EFSkipLastIP True with a multi-hop route: switches to a list that holds every relay, and says so', async () => {
    const out = await consolidate(MIXED, connectorStateFromOption('last-ip'));
    const change = changeLine(out.script!);
    assert.match(change, /^Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipLastIP \$false -EFSkipIPs @\{Add=/);
    // the last hops are listed too: with EFSkipLastIP $false nothing is skipped automatically any more
    assert.deepEqual([...addList(change)].sort(), [...(await confirmedRelays(MIXED))].sort());
    assert.match(out.script!, /^# Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipLastIP \$true -EFSkipIPs \$null$/m, 'roll back restores the state');
    assert.match(out.script!, /the change switches to EFSkipIPs, which then must list every relay address/);
    checkGolden('state-last-ip', out.script!);
  });

  test('no skipping and one public hop per message: EFSkipLastIP $true, whatever address the gateway delivers from', async () => {
    const out = await consolidate(SINGLE, connectorStateFromOption('off'));
    assert.equal(changeLine(out.script!), "Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipLastIP $true");
    assert.match(out.script!, /^# Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipLastIP \$false -EFSkipIPs \$null$/m);
  });

  test('a list on the connector: addresses it covers are left out and named, the rest is added', async () => {
    const relays = [...(await confirmedRelays(MIXED))].sort();
    assert.ok(relays.length >= 2);
    const kept = relays[0];
    // the connector lists the first relay inside a /24, and an unrelated address
    const block = `${kept.split('.').slice(0, 3).join('.')}.0/24`;
    const out = await consolidate(MIXED, parseConnectorState(PRECHECK_OUTPUT.replace('{list}', `${block}, 192.0.2.10`), 'Inbound from gateways', 'the pre-check output in state.txt'));
    const change = changeLine(out.script!);
    assert.doesNotMatch(change, /EFSkipLastIP/);
    const added = addList(change);
    assert.ok(!added.includes(kept), `${kept} is covered by ${block}`);
    assert.ok(added.length > 0);
    assert.match(out.script!, new RegExp(`${kept.replace(/\./g, '\\.')}: already on the connector's EFSkipIPs list`));
    assert.match(out.script!, /Connector state from the pre-check output in state\.txt: EFSkipLastIP False/);
    // roll back restores the list as it was
    assert.match(out.script!, new RegExp(`^# Set-InboundConnector -Identity 'Inbound from gateways' -EFSkipLastIP \\$false -EFSkipIPs '${block.replace(/[./]/g, '\\$&')}','192\\.0\\.2\\.10'$`, 'm'));
    checkGolden('state-list', out.script!);
  });

  test('the saved pre-check output: the named connector among several, wrapped lines, unreadable entries kept', () => {
    const s = parseConnectorState(PRECHECK_OUTPUT.replace('{list}', '148.163.128.0/19, 67.231.144.0/20,\n                               bogus-entry'), 'Inbound from gateways', 'state.txt');
    assert.equal(s.skipLastIp, false);
    assert.deepEqual(s.skipIps.map((x) => x.text), ['148.163.128.0/19', '67.231.144.0/20']);
    assert.deepEqual(s.unreadable, ['bogus-entry']);
    const other = parseConnectorState(PRECHECK_OUTPUT.replace('{list}', ''), 'Relay from devices and applications', 'state.txt');
    assert.equal(other.skipLastIp, true);
    assert.throws(() => parseConnectorState(PRECHECK_OUTPUT.replace('{list}', ''), undefined, 'state.txt'), ConnectorStateError, 'two connectors and no name');
    assert.throws(() => parseConnectorState('Name : x\nEnabled : True\n', undefined, 'state.txt'), /no EFSkipLastIP or EFSkipIPs/);
    assert.throws(() => connectorStateFromOption('148.163.1.1, not-an-ip'), ConnectorStateError);
  });
});

/** What `Get-InboundConnector | Format-List Name,ConnectorType,Enabled,SenderIPAddresses,EFSkipLastIP,EFSkipIPs,EFUsers` prints. */
const PRECHECK_OUTPUT = `
Name              : Inbound from gateways
ConnectorType     : Partner
Enabled           : True
SenderIPAddresses : {}
EFSkipLastIP      : False
EFSkipIPs         : {{list}}
EFUsers           : {}

Name              : Relay from devices and applications
ConnectorType     : OnPremises
Enabled           : True
SenderIPAddresses : {198.51.100.20}
EFSkipLastIP      : True
EFSkipIPs         : {}
EFUsers           : {}

`;
