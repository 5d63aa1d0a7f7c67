/** The help texts of the CLI (main, analyze, fix, compare): what `--help` and `help <command>` print. */
import { TOOL_NAME, TOOL_VERSION } from '../core/version';
import { CONFIG_FILE_NAME, MAX_HEADER_FIELDS, MIN_HEADER_FIELDS } from './config';
import { DEFAULT_EXTENSIONS } from './inputs';

const COMMON_HELP = `Inputs:
  A file is analysed whatever its name; "-" reads one message from standard input. A folder is
  searched recursively for ${DEFAULT_EXTENSIONS.join(', ')} files (hidden entries and symbolic links skipped);
  several files or a folder are analysed in parallel on worker threads.

Options:
  --trusted-relay IP|CIDR|HOST  a relay in front of the receiver that you run or trust (repeatable;
                               a-b ranges and *.example.net patterns accepted)
  --receiving-domain DOMAIN    a domain of the receiving organisation (repeatable)
  --dns off|live|recorded:FILE how signatures, SPF and DMARC are re-verified (default off: no
                               lookup leaves this computer; live uses the system's resolvers)
  --dns-server HOST:PORT       with --dns live: ask this DNS server (127.0.0.1:5353, [::1]:53)
  --record-dns FILE            with --dns live: write the answers the run used to FILE, so
                               --dns recorded:FILE replays the same verdicts offline
  --config FILE                read settings from FILE instead of the nearest ${CONFIG_FILE_NAME}
  --no-config                  ignore ${CONFIG_FILE_NAME} files
  -j, --jobs N                 worker threads for folders (default: one per CPU core)
  --ext LIST                   file extensions taken from folders (default ${DEFAULT_EXTENSIONS.map((e) => e.slice(1)).join(',')})
  --follow-symlinks            in folders, follow symbolic links whose target stays inside the
                               folder (default: links in folders are skipped and listed)
  --max-header-fields N        header fields read per message (${MIN_HEADER_FIELDS}-${MAX_HEADER_FIELDS}, default ${MAX_HEADER_FIELDS}); beyond
                               it the rest is not analysed nor re-verified, and a note says so
  --no-progress                no progress bar (it is drawn only when stderr is a terminal)
  --stats                      print files, time and peak memory to stderr at the end
  -h, --help                   this help

Configuration: the nearest ${CONFIG_FILE_NAME} in the current folder or above, e.g.
  { "trustedRelays": ["148.163.138.0/24"], "receivingDomains": ["contoso.com"],
    "connectorName": "Inbound from Proofpoint", "maxMessageSizeMB": 64, "maxHeaderFields": 20000, "slowHopMinutes": 15,
    "dns": { "mode": "recorded", "snapshotFile": "dns.json", "server": "127.0.0.1:5353" } }
  Command-line lists add to the file's lists; other options override it. Only --dns live turns
  live DNS on (a configuration file cannot).

Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error (or no
message could be analysed). Files in a folder that cannot be analysed are reported and skipped.`;

export const HELP_MAIN = `${TOOL_NAME} ${TOOL_VERSION}: trace a message's route and find where authentication broke.

Usage:
  ${TOOL_NAME} analyze <files|folders…> [--json | --markdown | --sarif] [options]
  ${TOOL_NAME} fix <files|folders…> [--kind efc|lockdown|arc|gmail|relay|cleanup] [--connector NAME]
  ${TOOL_NAME} compare <before> <after> [--json]
  ${TOOL_NAME} help [analyze|fix|compare]
  ${TOOL_NAME} --version

Exit codes: 0 no error-level findings, 1 error-level findings, 2 usage or input error.
Run "${TOOL_NAME} help analyze" or "${TOOL_NAME} help fix" for the options of a command.`;

export const HELP: Record<string, string> = {
  compare: `Usage: ${TOOL_NAME} compare <before> <after> [--json] [options]

Compares two messages, e.g. one received before and one after Enhanced Filtering for Connectors was
switched on: what changed in the route, the connecting IP, the IP the receiver evaluated, its
verdicts, where it delivered the message, and the findings and fixes. Prints one line per
difference (+ better, - worse, ~ changed, = unchanged, * note); --json prints the whole
comparison. Exit code 0, or 2 for a usage or input error. Outlook .msg files are read too.

${COMMON_HELP}`,
  analyze: `Usage: ${TOOL_NAME} analyze <files|folders…> [options]

One message: its route hop by hop (oldest first), the receiver's verdicts next to the claims written
further down, our re-verification, the findings and the available fixes. Several messages or a
folder: a summary grouping the messages by receiver, gateway and relay IPs, with finding counts.

Output (default: text, coloured when stdout is a terminal and NO_COLOR is not set):
  --json        one message: the Analysis object (documented, versioned schema); several: JSON
                Lines, one Analysis per line in input order (streamed, so memory stays bounded);
                files that could not be analysed are reported on stderr only
  --markdown    a report to paste into a ticket (one message: the full report; several: the summary)
  --sarif       SARIF 2.1.0: findings as results located at their header lines (code scanning,
                VS Code's SARIF viewer); unreadable files as tool execution notifications
  --html        one message: a self-contained HTML report (no script, no external resource)
  --redact local|full   with --markdown, --html or --json for one message: mask personal data
                before sharing (local: the part before the @ and display names; full: also the
                subject and every domain and host that is not Microsoft's, Google's or a known
                gateway's). IP addresses are kept
  --color / --no-color   force colours on or off

${COMMON_HELP}`,
  fix: `Usage: ${TOOL_NAME} fix <files|folders…> [options]

One message: the ready-to-paste fix generated from it: PowerShell for Exchange Online (Enhanced
Filtering for Connectors, lock-down connector, ARC trusted sealers, device relay, clean-up) or the
Google Admin checklist for Gmail's inbound gateway, each with pre-checks, the change, roll-back and
how to verify. Several messages or a folder (--kind efc): one Set-InboundConnector script whose
EFSkipIPs list covers the relay IPs seen across all of them, each IP annotated with how many
messages showed it and which gateway. Nothing is ever executed.

  --kind efc|lockdown|arc|gmail|relay|cleanup   only this kind of fix (one message: default all
                               that apply; several messages: efc)
  --connector NAME             the inbound connector's name to use in the scripts (else the
                               configuration's connectorName, else a placeholder)
  --certificate-name NAME      one message: the TLS certificate name the gateway's vendor states
                               for its servers; the certificate lock-down then uses it
  --cloud worldwide|gcc-high|dod|21vianet   one message: the Microsoft 365 cloud of your tenant
                               (SPF include, MX and SMTP host names); else read from the
                               receiver's host names in the message, else worldwide
  --connector-state FILE       several messages: the saved output of the first pre-check
                               (Get-InboundConnector | Format-List …); the change starts from the
                               connector's EFSkipLastIP and EFSkipIPs instead of replacing them
  --connector-efc last-ip|off|LIST   several messages: the same, stated: EFSkipLastIP $true, no
                               skipping, or the connector's current EFSkipIPs list (comma-separated)

${COMMON_HELP}`,
};
