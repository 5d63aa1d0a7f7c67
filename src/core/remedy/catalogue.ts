/**
 * Every statement the product shows in a fix or an explanation, with its sources, in one place:
 * for docs/sources.md (generated from here) and for the test that traces every generated sentence
 * back to a record.
 */
import { STATEMENTS, type StatementRecord } from './statements';
import { EXPLANATION_STATEMENTS } from '../diagnose/explanations';
import { SOURCES, citation, type Source } from './sources';

export function allStatements(): Readonly<Record<string, StatementRecord>> {
  return { ...STATEMENTS, ...EXPLANATION_STATEMENTS };
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function dateWords(s: Source): string {
  return s.date ? `${s.date} (read ${s.checked})` : `not stated; read ${s.checked}`;
}

/** docs/sources.md: the documents, and every statement with the documents it rests on. */
export function sourcesMarkdown(): string {
  const all = allStatements();
  const ids = Object.keys(all).sort();
  const out: string[] = [
    '# Sources',
    '',
    'Every statement Mail Flow Lens shows in a fix (remedy) or in the explanation of a finding rests on',
    'the public documents below. This file is generated from the statement records',
    '(`src/core/remedy/statements.ts`, `src/core/diagnose/explanations.ts`) and the list of documents',
    '(`src/core/remedy/sources.ts`); a unit test fails when it is out of date, and',
    '`UPDATE_GOLDEN=1 node --test out/test/unit/remedy/statements.test.js` regenerates it.',
    '',
    'Statements marked "product" describe Mail Flow Lens itself (its settings and its own output) and',
    'cite no outside document.',
    '',
    '## Documents',
    '',
  ];
  for (const s of SOURCES) {
    const users = ids.filter((id) => all[id].sources.includes(s.id));
    out.push(`### ${s.title}`, '', `- Publisher: ${s.publisher}`, `- Link: ${s.url}`, `- Date: ${dateWords(s)}`);
    if (s.background) out.push('- Kind: background article (shown under Background, not as primary documentation)');
    if (s.note) out.push(`- Note: ${s.note}`);
    out.push(`- Cited as: ${citation(s)}`, `- Statements (${users.length}): ${users.length ? users.map((u) => `\`${u}\``).join(', ') : 'none'}`, '');
  }
  out.push('## Statements', '', '| id | statement | sources |', '|---|---|---|');
  for (const id of ids) {
    out.push(`| \`${id}\` | ${cell(all[id].text)} | ${all[id].sources.join(', ')} |`);
  }
  out.push('');
  return out.join('\n');
}
