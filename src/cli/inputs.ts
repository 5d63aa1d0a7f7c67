/**
 * Turning the command line's paths into the list of files to analyse.
 *
 * A file named on the command line is taken whatever its name (and followed if it is a symbolic
 * link: the user named it). A folder is walked recursively (sorted, so runs are reproducible) and
 * contributes the files whose extension is in the list: by default `.eml` (saved messages), `.txt`
 * (pasted headers, as "Analyze Headers from Clipboard" takes them) and `.msg` (Outlook's format:
 * its transport headers are analysed, see src/core/msg/reader.ts). Hidden entries (".name") are
 * skipped.
 *
 * Symbolic links inside a folder are not followed: a folder from a ticket or an unpacked archive
 * can hold a link named invoice.eml that points at /etc/shadow or a credentials file, and its
 * content would be printed (--json, the route, error texts). They are skipped and reported by name.
 * With --follow-symlinks a link is followed only when its real path stays inside the real path of
 * the folder that was given (a link to a folder too, each real folder walked once, so a loop
 * ends); the file is then opened by its real path. Files found in a folder are opened without
 * following a link (O_NOFOLLOW, see src/node/stream.ts), so a file swapped for a link after the
 * walk is refused too.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const DEFAULT_EXTENSIONS: readonly string[] = ['.eml', '.txt', '.msg'];
const MAX_DEPTH = 64;

export interface InputFile {
  /** Path as given or found (joined with the folder as given): what the output names. */
  path: string;
  /** True when the path was named on the command line (not found in a folder). */
  explicit: boolean;
  /** The path to open when it differs from `path` (the real path of a link that was followed). */
  open?: string;
  /** Open without following a symbolic link (every file found in a folder). */
  noFollow: boolean;
}

export interface SkippedLink {
  /** The link's path (as found in the walk). */
  path: string;
  /** Why it was skipped, one short clause. */
  reason: string;
}

export interface CollectedInputs {
  files: InputFile[];
  /** Folders walked. */
  folders: string[];
  /** Named paths that do not exist or cannot be read (usage/input errors). */
  missing: Array<{ path: string; message: string }>;
  /** Folders or entries that could not be listed during the walk (reported, skipped). */
  unreadable: Array<{ path: string; message: string }>;
  /** Symbolic links found in folders and not followed. */
  skippedLinks: SkippedLink[];
}

export interface CollectOptions {
  /** --follow-symlinks: follow links whose real path stays inside the folder given. */
  followSymlinks?: boolean;
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

/** True when `child` is `root` or inside it (both real, absolute paths). */
export function isInside(root: string, child: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!!rel && !rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
}

export const NOT_FOLLOWED = 'symbolic link, not followed (--follow-symlinks follows links that stay inside the folder)';
export const POINTS_OUTSIDE = 'symbolic link to outside the folder, not followed';

export async function collectInputs(paths: readonly string[], extensions: readonly string[] = DEFAULT_EXTENSIONS, o: CollectOptions = {}): Promise<CollectedInputs> {
  const out: CollectedInputs = { files: [], folders: [], missing: [], unreadable: [], skippedLinks: [] };
  const exts = new Set(extensions.map((e) => e.toLowerCase()));
  const seen = new Set<string>();
  const add = (p: string, explicit: boolean, open?: string, key = open ?? path.resolve(p)) => {
    if (seen.has(key)) return;
    seen.add(key);
    out.files.push({ path: p, explicit, noFollow: !explicit, ...(open ? { open } : {}) });
  };

  /** `root`: the real path of the folder given; `walked`: real folders already walked (loops). */
  const walk = async (dir: string, depth: number, root: string, walked: Set<string>): Promise<void> => {
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
      if (e.isSymbolicLink()) {
        if (!o.followSymlinks) {
          out.skippedLinks.push({ path: p, reason: NOT_FOLLOWED });
          continue;
        }
        let real: string;
        let st: import('node:fs').Stats;
        try {
          real = await fs.realpath(p);
          st = await fs.stat(real);
        } catch {
          out.skippedLinks.push({ path: p, reason: 'symbolic link whose target does not exist, skipped' });
          continue;
        }
        if (!isInside(root, real)) {
          out.skippedLinks.push({ path: p, reason: POINTS_OUTSIDE });
          continue;
        }
        if (st.isDirectory()) {
          if (walked.has(real)) continue; // already walked (or an ancestor: a loop)
          walked.add(real);
          await walk(p, depth + 1, root, walked);
        } else if (st.isFile() && exts.has(path.extname(e.name).toLowerCase())) add(p, false, real);
        continue;
      }
      if (e.isDirectory()) {
        if (o.followSymlinks) {
          let real: string;
          try {
            real = await fs.realpath(p);
          } catch {
            real = path.resolve(p);
          }
          if (walked.has(real)) continue;
          walked.add(real);
        }
        await walk(p, depth + 1, root, walked);
      } else if (e.isFile() && exts.has(path.extname(e.name).toLowerCase())) {
        // following links, the same file can be reached twice: known by its real path
        add(p, false, undefined, o.followSymlinks ? await fs.realpath(p).catch(() => path.resolve(p)) : undefined);
      }
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
      let root: string;
      try {
        root = await fs.realpath(p);
      } catch (e) {
        out.unreadable.push({ path: p, message: errText(e) });
        continue;
      }
      await walk(p, 0, root, new Set([root]));
    } else if (st.isFile()) add(p, true);
    else out.missing.push({ path: p, message: 'not a regular file or folder' });
  }
  return out;
}
