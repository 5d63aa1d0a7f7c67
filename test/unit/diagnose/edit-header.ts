// Test helper: replace text in a message's header block, each piece exactly once (the test fails
// when a piece is missing or not unique), leaving the body untouched.
import assert from 'node:assert/strict';

export function edit(bytes: Buffer, ...pairs: Array<[string, string]>): Buffer {
  const s = bytes.toString('latin1');
  const end = s.indexOf('\r\n\r\n');
  let head = s.slice(0, end);
  for (const [from, to] of pairs) {
    const at = head.indexOf(from);
    assert.ok(at >= 0, `edit: "${from}" not in the header`);
    assert.equal(head.indexOf(from, at + 1), -1, `edit: "${from}" is not unique`);
    head = head.slice(0, at) + to + head.slice(at + from.length);
  }
  return Buffer.from(head + s.slice(end), 'latin1');
}
