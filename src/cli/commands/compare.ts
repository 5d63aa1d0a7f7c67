/** `compare`: what changed between two messages (before / after a connector change), as lines or JSON. */
import { toJsonText } from '../../core/present/text';
import { compare, comparisonLinesText } from '../../core/compare';
import { parseArgs, UsageError, bool } from '../args';
import { safe } from '../format-text';
import { HELP } from '../help';
import { EXIT_OK, type Io } from '../io';
import { analyzeSingle } from '../run';
import { COMPARE_FLAGS, settingsFrom } from '../settings';

export async function cmdCompare(argv: string[], io: Io): Promise<number> {
  const a = parseArgs(argv, COMPARE_FLAGS);
  if (bool(a, 'help')) {
    await io.out(HELP.compare);
    return EXIT_OK;
  }
  if (a.positional.length !== 2) throw new UsageError('compare needs exactly two message files: <before> <after>');
  if (a.positional.includes('-')) throw new UsageError('compare reads two files, not standard input');
  const s = await settingsFrom(a, io);
  const [before, after] = [await analyzeSingle(a.positional[0], s, io), await analyzeSingle(a.positional[1], s, io)];
  const c = compare(before, after);
  if (bool(a, 'json')) await io.out(toJsonText(c, 2));
  else await io.out(`Before: ${safe(a.positional[0], 300)}\nAfter:  ${safe(a.positional[1], 300)}\n\n${comparisonLinesText(c).trimEnd().split('\n').map((l) => safe(l, 4000)).join('\n')}`);
  return EXIT_OK;
}
