/**
 * A filtering vendor's short name: the one form every view and every sentence uses.
 */

/**
 * The vendor's brand for sentences and narrow places (findings, verdict facts, the route table,
 * the terminal, the status bar, CodeLens): the knowledge base's full product name cut before a
 * parenthesis, before an alternative ("A / B") and before the product words "Email" / "Secure
 * Email".
 *
 * "Proofpoint (PPS / Enterprise, hosted)" → "Proofpoint", "Barracuda Email Security Service / Email
 * Gateway Defense" → "Barracuda", "Cisco Secure Email (IronPort ESA / CES)" → "Cisco",
 * "Proofpoint Essentials" stays as it is. Applying it twice gives the same text.
 */
export function shortVendorName(name: string): string {
  let n = name;
  for (const sep of [' (', ' / ']) {
    const i = n.indexOf(sep);
    if (i > 0) n = n.slice(0, i);
  }
  const e = n.search(/ (?:Secure )?Email\b/);
  if (e > 0) n = n.slice(0, e);
  return n.trim();
}
