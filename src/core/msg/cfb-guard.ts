/**
 * A structural check of an OLE compound file (MS-CFB) before a library walks it.
 *
 * Outlook's .msg is a compound file: a little FAT file system inside one file. The readers on npm
 * follow its sector chains and directory tree without loop guards, so a crafted file whose chain
 * points back at itself would hang the extension host or the CLI (or grow an array until memory
 * runs out). This check walks every chain and the directory tree once, with each sector and each
 * directory entry allowed to belong to one place only, and rejects the file when anything loops,
 * points outside the file, or claims more bytes than its chain holds. The work is linear in the
 * file size; nothing is allocated per claimed size.
 *
 * Sections of [MS-CFB] followed: 2.2 (header), 2.3 (FAT sectors), 2.4 (mini FAT), 2.5 (DIFAT),
 * 2.6 (directory sectors and entries: 2.6.1 entry layout, 2.6.2 red-black tree of siblings,
 * 2.6.3 stream size), 2.1 (sector numbers and their special values).
 */

export const CFB_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1] as const;

const MAXREGSECT = 0xfffffffa;
const ENDOFCHAIN = 0xfffffffe;
const FREESECT = 0xffffffff;
const NOSTREAM = 0xffffffff;
const HEADER_DIFAT_ENTRIES = 109;
const MINI_SECTOR_SIZE = 64;
const MINI_STREAM_CUTOFF = 4096;
/** Storages nested deeper than this are refused (an embedded message in an embedded message is 2-3 levels). */
export const MAX_STORAGE_DEPTH = 32;
/** Directory entries beyond this are refused (a message with 500 attachments has a few thousand). */
export const MAX_DIRECTORY_ENTRIES = 200_000;

export interface CfbGuardResult {
  ok: boolean;
  /** Why the file was refused, in one sentence (when ok is false). */
  reason?: string;
  /** Facts for tests and messages. */
  sectorSize?: number;
  directoryEntries?: number;
  streams?: number;
}

/** True when the bytes start with the compound file signature (what Outlook's .msg files are). */
export function isCompoundFile(bytes: Uint8Array): boolean {
  if (bytes.length < CFB_SIGNATURE.length) return false;
  for (let i = 0; i < CFB_SIGNATURE.length; i++) if (bytes[i] !== CFB_SIGNATURE[i]) return false;
  return true;
}

class Refused extends Error {}

function refuse(reason: string): never {
  throw new Refused(reason);
}

export function checkCompoundFile(bytes: Uint8Array): CfbGuardResult {
  try {
    return check(bytes);
  } catch (e) {
    if (e instanceof Refused) return { ok: false, reason: e.message };
    return { ok: false, reason: `the compound file could not be checked (${e instanceof Error ? e.message : String(e)})` };
  }
}

function check(bytes: Uint8Array): CfbGuardResult {
  if (!isCompoundFile(bytes)) refuse('it does not start with the compound file signature');
  if (bytes.length < 512) refuse('it is shorter than a compound file header (512 bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);

  // 2.2 header
  if (u16(28) !== 0xfffe) refuse('its byte order mark is not little-endian');
  const major = u16(26);
  const shift = u16(30);
  if (!((major === 3 && shift === 9) || (major === 4 && shift === 12))) refuse(`it has an unsupported version/sector size (version ${major}, sector shift ${shift})`);
  if (u16(32) !== 6) refuse('its mini sector size is not 64 bytes');
  const sectorSize = 1 << shift;
  const sectorCount = Math.ceil((bytes.length - sectorSize) / sectorSize);
  if (sectorCount <= 0) refuse('it holds no sectors after the header');
  const fatSectors = u32(44);
  const firstDir = u32(48);
  if (u32(56) !== MINI_STREAM_CUTOFF) refuse('its mini stream cutoff is not 4096 bytes');
  const firstMiniFat = u32(60);
  const miniFatSectors = u32(64);
  const firstDifat = u32(68);
  const difatSectors = u32(72);
  if (fatSectors > sectorCount || miniFatSectors > sectorCount || difatSectors > sectorCount) refuse('its header claims more sectors than the file has');

  const perSector = sectorSize / 4;
  const sectorOffset = (n: number) => (n + 1) * sectorSize;
  const readEntry = (sector: number, i: number): number => {
    const o = sectorOffset(sector) + i * 4;
    return o + 4 <= bytes.length ? u32(o) : FREESECT;
  };
  const owner = new Uint8Array(sectorCount); // 0 free, 1 used
  const claim = (n: number, what: string) => {
    if (n >= sectorCount) refuse(`${what} points at sector ${n}, beyond the end of the file`);
    if (owner[n]) refuse(`${what} uses sector ${n}, which already belongs to something else (a loop or shared sectors)`);
    owner[n] = 1;
  };

  // 2.5 DIFAT: the FAT sectors' locations
  const fatLocations: number[] = [];
  for (let i = 0; i < HEADER_DIFAT_ENTRIES && fatLocations.length < fatSectors; i++) {
    const v = u32(76 + i * 4);
    if (v === FREESECT) break;
    fatLocations.push(v);
  }
  let difat = firstDifat;
  for (let i = 0; i < difatSectors && fatLocations.length < fatSectors; i++) {
    if (difat === ENDOFCHAIN || difat === FREESECT) refuse('its DIFAT chain ends early');
    claim(difat, 'the DIFAT chain');
    for (let j = 0; j < perSector - 1 && fatLocations.length < fatSectors; j++) {
      const v = readEntry(difat, j);
      if (v === FREESECT) break;
      fatLocations.push(v);
    }
    difat = readEntry(difat, perSector - 1);
  }
  if (fatLocations.length < fatSectors) refuse(`its DIFAT lists ${fatLocations.length} FAT sectors, the header claims ${fatSectors}`);
  for (const f of fatLocations) claim(f, 'the FAT');

  // 2.3 FAT
  const fat = new Uint32Array(Math.min(sectorCount, fatLocations.length * perSector));
  fat.fill(FREESECT);
  for (let i = 0; i < fat.length; i++) fat[i] = readEntry(fatLocations[Math.floor(i / perSector)], i % perSector);
  const next = (n: number) => (n < fat.length ? fat[n] : FREESECT);

  /** Walks a FAT chain to ENDOFCHAIN, claiming each sector; returns its length. */
  const walk = (start: number, what: string): number => {
    if (start === ENDOFCHAIN) return 0;
    let n = start;
    let len = 0;
    for (;;) {
      if (n > MAXREGSECT) refuse(`${what} runs into a free or reserved sector entry`);
      claim(n, what);
      len++;
      const nx = next(n);
      if (nx === ENDOFCHAIN) return len;
      n = nx;
    }
  };

  // 2.6 directory
  const dirLen = walk(firstDir, 'the directory chain');
  if (dirLen === 0) refuse('it has no directory');
  const dirSectors: number[] = [];
  for (let n = firstDir, i = 0; i < dirLen; i++, n = next(n)) dirSectors.push(n);
  const entriesPerSector = sectorSize / 128;
  const entryCount = Math.min(dirLen * entriesPerSector, MAX_DIRECTORY_ENTRIES + 1);
  if (entryCount > MAX_DIRECTORY_ENTRIES) refuse(`it has more than ${MAX_DIRECTORY_ENTRIES} directory entries`);
  const entryOffset = (i: number) => sectorOffset(dirSectors[Math.floor(i / entriesPerSector)]) + (i % entriesPerSector) * 128;
  interface Entry {
    type: number;
    left: number;
    right: number;
    child: number;
    start: number;
    size: number;
  }
  const entry = (i: number): Entry => {
    const o = entryOffset(i);
    if (o + 128 > bytes.length) refuse(`directory entry ${i} lies beyond the end of the file`);
    const sizeHigh = major === 4 ? u32(o + 124) : 0;
    if (sizeHigh !== 0) refuse(`directory entry ${i} claims a stream larger than 4 GB`);
    return { type: view.getUint8(o + 66), left: u32(o + 68), right: u32(o + 72), child: u32(o + 76), start: u32(o + 116), size: u32(o + 120) };
  };
  const root = entry(0);
  if (root.type !== 5) refuse('its first directory entry is not the root storage');

  // the tree: every entry reachable from the root once, storages nested at most MAX_STORAGE_DEPTH deep
  const seen = new Uint8Array(entryCount);
  seen[0] = 1;
  const streams: Entry[] = [];
  const stack: Array<{ index: number; depth: number }> = [];
  const push = (index: number, depth: number, what: string) => {
    if (index === NOSTREAM) return;
    if (index >= entryCount) refuse(`${what} points at directory entry ${index}, which does not exist`);
    if (seen[index]) refuse(`directory entry ${index} is reached twice (a loop in the directory tree)`);
    seen[index] = 1;
    stack.push({ index, depth });
  };
  push(root.child, 1, 'the root storage');
  while (stack.length) {
    const { index, depth } = stack.pop()!;
    const e = entry(index);
    push(e.left, depth, `directory entry ${index}`);
    push(e.right, depth, `directory entry ${index}`);
    if (e.type === 1) {
      if (depth >= MAX_STORAGE_DEPTH) refuse(`its storages are nested more than ${MAX_STORAGE_DEPTH} deep`);
      push(e.child, depth + 1, `storage entry ${index}`);
    } else if (e.type === 2) {
      if (e.child !== NOSTREAM) refuse(`stream entry ${index} has children`);
      streams.push(e);
    } else {
      refuse(`directory entry ${index} in the tree is neither a storage nor a stream`);
    }
  }

  // 2.4 mini FAT and the mini stream (the root entry's chain)
  const miniFatLen = walk(miniFatSectors ? firstMiniFat : ENDOFCHAIN, 'the mini FAT chain');
  const miniFatLocations: number[] = [];
  for (let n = firstMiniFat, i = 0; i < miniFatLen; i++, n = next(n)) miniFatLocations.push(n);
  const miniStreamLen = walk(root.size > 0 ? root.start : ENDOFCHAIN, 'the mini stream');
  if (root.size > miniStreamLen * sectorSize) refuse('its mini stream is shorter than the root entry claims');
  const miniSectorCount = Math.min(Math.floor(root.size / MINI_SECTOR_SIZE), miniFatLocations.length * perSector);
  const miniOwner = new Uint8Array(miniSectorCount);
  const miniNext = (n: number) => readEntry(miniFatLocations[Math.floor(n / perSector)], n % perSector);
  const walkMini = (start: number, what: string): number => {
    if (start === ENDOFCHAIN) return 0;
    let n = start;
    let len = 0;
    for (;;) {
      if (n >= miniSectorCount) refuse(`${what} points at mini sector ${n}, beyond the mini stream`);
      if (miniOwner[n]) refuse(`${what} uses mini sector ${n}, which already belongs to something else (a loop or shared sectors)`);
      miniOwner[n] = 1;
      len++;
      const nx = miniNext(n);
      if (nx === ENDOFCHAIN) return len;
      n = nx;
    }
  };

  for (const s of streams) {
    if (s.size === 0) continue;
    if (s.size < MINI_STREAM_CUTOFF) {
      const len = walkMini(s.start, 'a stream in the mini stream');
      if (len * MINI_SECTOR_SIZE < s.size) refuse('a stream claims more bytes than its mini sectors hold');
    } else {
      const len = walk(s.start, 'a stream');
      if (len * sectorSize < s.size) refuse('a stream claims more bytes than its sectors hold');
    }
  }
  return { ok: true, sectorSize, directoryEntries: entryCount, streams: streams.length };
}
