/**
 * Turning the command line's paths into the list of files to analyse.
 *
 * A file named on the command line is taken whatever its name. A folder is walked recursively
 * (sorted, so runs are reproducible) and contributes the files whose extension is in the list:
 * by default `.eml` (saved messages), `.txt` (pasted headers, as "Analyze Headers from Clipboard"
 * takes them) and `.msg` (Outlook's format: its transport headers are analysed, see
 * src/core/msg/reader.ts). Hidden entries (".name") and symbolic links to folders are
 * skipped, so a link loop cannot make the walk endless.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_EXTENSIONS: readonly string[] = ['.eml', '.txt', '.msg'];
const MAX_DEPTH = 64;

export interface InputFile {
  /** Path as given or found (joined with the folder as given). */
  path: string;
  /** True when the path was named on the command line (not found in a folder). */
  explicit: boolean;
}

export interface CollectedInputs {
  files: InputFile[];
  /** Folders walked. */
  folders: string[];
  /** Named paths that do not exist or cannot be read (usage/input errors). */
  missing: Array<{ path: string; message: string }>;
  /** Folders or entries that could not be listed during the walk (reported, skipped). */
  unreadable: Array<{ path: string; message: string }>;
}

/** Parses "--ext eml,txt" into [".eml", ".txt"]. Returns undefined for an invalid list. */
export function parseExtensions(text: string): string[] | undefined {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const e = raw.trim().toLowerCase().replace(/^\./, '');
    if (!e) continue;
    if (!/^[a-z0-9][a-z0-9._-]{0,15}$/.test(e)) return undefined;
    out.push(`.${e}`);
  }
  return out.length ? [...new Set(out)] : undefined;
}

function errText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read (${code ?? (e as Error).message})`;
}

export async function collectInputs(paths: readonly string[], extensions: readonly string[] = DEFAULT_EXTENSIONS): Promise<CollectedInputs> {
  const out: CollectedInputs = { files: [], folders: [], missing: [], unreadable: [] };
  const exts = new Set(extensions.map((e) => e.toLowerCase()));
  const seen = new Set<string>();
  const add = (p: string, explicit: boolean) => {
    const key = path.resolve(p);
    if (seen.has(key)) return;
    seen.add(key);
    out.files.push({ path: p, explicit });
  };

  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) {
      out.unreadable.push({ path: dir, message: `nested more than ${MAX_DEPTH} folders deep; not walked` });
      return;
    }
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      out.unreadable.push({ path: dir, message: errText(e) });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        // follow links to files; never links to folders (loops)
        try {
          const st = await fs.stat(p);
          isFile = st.isFile();
          isDir = false;
        } catch {
          continue;
        }
      }
      if (isDir) await walk(p, depth + 1);
      else if (isFile && exts.has(path.extname(e.name).toLowerCase())) add(p, false);
    }
  };

  for (const p of paths) {
    if (p === '-') {
      add(p, true);
      continue;
    }
    let st;
    try {
      st = await fs.stat(p);
    } catch (e) {
      out.missing.push({ path: p, message: errText(e) });
      continue;
    }
    if (st.isDirectory()) {
      out.folders.push(p);
      await walk(p, 0);
    } else if (st.isFile()) add(p, true);
    else out.missing.push({ path: p, message: 'not a regular file or folder' });
  }
  return out;
}
