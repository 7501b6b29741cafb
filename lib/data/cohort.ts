/**
 * The cohort index: which subjects a dMRI folder holds, their age, group and sex, and where each acquisition's
 * DWI, b-values and b-vectors are. One function serves a real download and the simulator's output.
 *
 * Layouts recognised under each subject folder (searched up to 5 levels deep, any mix):
 * - **HCP-style** (what lib/synth writes, and HCP's preprocessed `T1w/Diffusion`):
 *   `<dir>/data.nii.gz` (or `.nii`) with `<dir>/bvals` and `<dir>/bvecs`; the acquisition is named by the
 *   folder's path below the subject (`dir64_RL_gdc`, `T1w_Diffusion`).
 * - **Sibling files** (HCP unprocessed `unprocessed/3T/Diffusion/<id>_3T_DWI_dir80_RL.nii.gz`, BIDS
 *   `sub-XX/[ses-YY/]dwi/sub-XX_*_dwi.nii.gz`): `<stem>.nii.gz` with `<stem>.bval` and `<stem>.bvec`; named by the
 *   stem without the subject prefix and the `_dwi` suffix (`3T_DWI_dir80_RL`, `acq-dir80_dir-RL`).
 * - **Ground truth** (simulated cohorts): `<subject>/truth/<name>.nii.gz`; `fa`, `md` and `brain_mask` are maps,
 *   every other name a region mask.
 *
 * The participants table (`participants.tsv`, or `.csv`) has a subject column (`subject`, `participant_id`,
 * `subject_id` or `id`), `age` (a number, or a range such as `26-30`, read as its midpoint), optionally `group`
 * (else derived from the age by `groups`) and `sex` (or `gender`).
 *
 * A subject whose folder, files or table row are missing or broken is reported in `problems` by name and left
 * out (`onProblem: "skip"`), or stops the load (`"fail"`); nothing is dropped silently. A folder that looks
 * like a subject but has no table row is reported too.
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";
import { parseHeader } from "../nifti/header.ts";
import { parseBvals, parseBvecs } from "../dmri/gradients.ts";

/** One acquisition (DWI series) of a subject. */
export interface CohortAcquisition {
  /** Name, unique within the subject, e.g. "dir64_RL_gdc". */
  name: string;
  /** The 4-D DWI NIfTI file. */
  dwiPath: string;
  /** FSL b-values file. */
  bvalPath: string;
  /** FSL b-vectors file. */
  bvecPath: string;
  /** Number of volumes (from the header and gradient files), when files were checked. */
  volumes?: number;
}

/** One subject of a cohort. */
export interface CohortSubject {
  /** Identifier (the folder name). */
  id: string;
  /** Age, years. */
  age: number;
  /** Age group (from the table, or derived from the age). */
  group: string;
  /** Sex as written in the table ("F", "M", ...), or undefined. */
  sex?: string;
  /** Acquisitions sorted by name. */
  acquisitions: CohortAcquisition[];
  /** Ground-truth region masks by region name (simulated cohorts). */
  truth?: Record<string, string>;
  /** Ground-truth maps (`fa`, `md`, `brain_mask`) by name (simulated cohorts). */
  maps?: Record<string, string>;
}

/** A subject (or the table) that could not be used, and why. */
export interface CohortProblem {
  /** Subject id ("" for the cohort as a whole). */
  subject: string;
  /** The file or folder concerned. */
  path: string;
  /** What is wrong. */
  reason: string;
}

/** A loaded cohort. */
export interface Cohort {
  /** The folder. */
  root: string;
  /** Usable subjects, in table order. */
  subjects: CohortSubject[];
  /** Subjects left out, and why. */
  problems: CohortProblem[];
  /** Group names in the order of first appearance (or of `groups`). */
  groups: string[];
}

/** An age range that defines a group when the table has no group column. */
export interface CohortGroupRange {
  name: string;
  minAge: number;
  maxAge: number;
}

/** Options of {@linkcode loadCohort}. */
export interface LoadCohortOptions {
  /** Leave out subjects with problems ("skip") or throw a {@linkcode CohortError} ("fail"). @default "skip" */
  onProblem?: "skip" | "fail";
  /** Participants table. @default `<root>/participants.tsv`, else `<root>/participants.csv` */
  participants?: string;
  /** Groups by age, used when the table has no group column. @default young 8–15, old 25–75 years */
  groups?: readonly CohortGroupRange[];
  /**
   * How far to check each acquisition: "none" (files exist), "header" (NIfTI header readable, 4-D, its volume
   * count equals the gradient files'), "full" (also decompress the whole image to check its length).
   * @default "header"
   */
  check?: "none" | "header" | "full";
  /**
   * Fewest usable subjects: fewer is a {@linkcode CohortError} naming the folder ("no usable subjects" when
   * every subject was left out), instead of a cohort a caller cannot train on. @default 0
   */
  minSubjects?: number;
}

/** Raised when a cohort cannot be loaded; the message starts with the folder or file. */
export class CohortError extends CamDmriError {
  /** The problems found (with `onProblem: "fail"`, or when too few subjects are usable). */
  readonly problems: CohortProblem[];
  constructor(source: string, reason: string, problems: CohortProblem[] = []) {
    super(source, reason);
    this.name = "CohortError";
    this.problems = problems;
  }
}

const DEFAULT_GROUP_RANGES: readonly CohortGroupRange[] = [
  { name: "young", minAge: 8, maxAge: 15 },
  { name: "old", minAge: 25, maxAge: 75 },
];
const MAP_NAMES = new Set(["fa", "md", "brain_mask"]);
const NIFTI = /^(.*)\.nii(\.gz)?$/i;

/**
 * Index a cohort folder (see the module documentation for the layouts).
 *
 * @example
 * const cohort = await loadCohort("data/synth/default");
 * for (const s of cohort.subjects) console.log(s.id, s.age, s.group, s.acquisitions.length);
 * for (const p of cohort.problems) console.warn(`${p.subject}: ${p.path}: ${p.reason}`);
 */
export async function loadCohort(root: string, options: LoadCohortOptions = {}): Promise<Cohort> {
  const { onProblem = "skip", groups = DEFAULT_GROUP_RANGES, check = "header" } = options;
  const base = root.replace(/\/+$/, "") || "/";
  try {
    if (!(await Deno.stat(base)).isDirectory) throw new CohortError(base, "not a folder");
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new CohortError(base, "folder not found");
    throw e;
  }
  const tablePath = options.participants ??
    await firstExisting([`${base}/participants.tsv`, `${base}/participants.csv`]);
  if (tablePath === undefined) throw new CohortError(base, "no participants.tsv (or participants.csv)");
  const rows = await readParticipants(tablePath);
  const problems: CohortProblem[] = [];
  const subjects: CohortSubject[] = [];
  const folders = new Set<string>();
  for await (const entry of Deno.readDir(base)) if (entry.isDirectory) folders.add(entry.name);
  const listed = new Set<string>();

  for (const row of rows) {
    const id = [row.id, `sub-${row.id}`, row.id.replace(/^sub-/, "")].find((c) => folders.has(c)) ?? row.id;
    listed.add(id);
    const problem = (path: string, reason: string) => problems.push({ subject: id, path, reason });
    if (!folders.has(id)) {
      problem(`${base}/${id}`, "subject folder not found");
      continue;
    }
    if (row.age === undefined) {
      problem(tablePath, `age '${row.ageText}' is not a number or a range`);
      continue;
    }
    const group = row.group ?? groups.find((g) => row.age! >= g.minAge && row.age! <= g.maxAge)?.name;
    if (group === undefined) {
      problem(tablePath, `no group column and age ${row.age} is in no group range`);
      continue;
    }
    const found = await findAcquisitions(`${base}/${id}`, id);
    const before = problems.length;
    for (const p of found.problems) problem(p.path, p.reason);
    if (found.acquisitions.length === 0 && found.problems.length === 0) {
      problem(
        `${base}/${id}`,
        "no DWI found (data.nii.gz + bvals + bvecs, or <name>.nii.gz + .bval + .bvec)",
      );
    }
    if (check !== "none") {
      for (const acq of found.acquisitions) {
        const reason = await checkAcquisition(acq, check === "full");
        if (typeof reason === "string") problem(acq.dwiPath, reason);
        else acq.volumes = reason;
      }
    }
    if (problems.length > before) continue;
    const subject: CohortSubject = { id, age: row.age, group, acquisitions: found.acquisitions };
    if (row.sex !== undefined) subject.sex = row.sex;
    if (Object.keys(found.truth).length > 0) subject.truth = found.truth;
    if (Object.keys(found.maps).length > 0) subject.maps = found.maps;
    subjects.push(subject);
  }
  for (const folder of [...folders].sort()) {
    if (listed.has(folder) || folder.startsWith(".") || folder === "derivatives" || folder === "code") {
      continue;
    }
    const found = await findAcquisitions(`${base}/${folder}`, folder);
    if (found.acquisitions.length > 0) {
      problems.push({
        subject: folder,
        path: tablePath,
        reason: "has DWI but no row in the participants table",
      });
    }
  }
  if (onProblem === "fail" && problems.length > 0) {
    const list = problems.slice(0, 5).map((p) => `${p.subject || "cohort"}: ${p.path}: ${p.reason}`).join(
      "; ",
    );
    throw new CohortError(
      base,
      `${problems.length} problem(s): ${list}${problems.length > 5 ? "; ..." : ""}`,
      problems,
    );
  }
  const minSubjects = options.minSubjects ?? 0;
  if (subjects.length < minSubjects) {
    const first = problems[0];
    const why = problems.length === 0
      ? `the participants table ${tablePath} lists ${rows.length} subject(s)`
      : `${problems.length} problem(s), first: ${first.subject || "cohort"}: ${first.path}: ${first.reason}`;
    throw new CohortError(
      base,
      subjects.length === 0
        ? `no usable subjects (${why})`
        : `only ${subjects.length} usable subject(s), ${minSubjects} needed (${why})`,
      problems,
    );
  }
  const order = options.groups ? groups.map((g) => g.name) : [];
  for (const s of subjects) if (!order.includes(s.group)) order.push(s.group);
  return { root: base, subjects, problems, groups: order };
}

interface ParticipantRow {
  id: string;
  age?: number;
  ageText: string;
  group?: string;
  sex?: string;
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const p of paths) {
    try {
      if ((await Deno.stat(p)).isFile) return p;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return undefined;
}

async function readParticipants(path: string): Promise<ParticipantRow[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new CohortError(path, "participants table not found");
    throw new CohortError(path, `cannot read (${(e as Error).message})`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) throw new CohortError(path, "participants table is empty");
  const sep = lines[0].includes("\t") ? "\t" : ",";
  const header = lines[0].split(sep).map((h) => h.trim().replace(/^"|"$/g, "").toLowerCase());
  const column = (...names: string[]) => names.map((n) => header.indexOf(n)).find((i) => i >= 0) ?? -1;
  const idCol = column("subject", "participant_id", "subject_id", "id", "subject id");
  const ageCol = column("age", "age_years", "age (years)");
  if (idCol < 0) {
    throw new CohortError(
      path,
      `no subject column (subject, participant_id, subject_id or id) in '${lines[0]}'`,
    );
  }
  if (ageCol < 0) throw new CohortError(path, `no age column in '${lines[0]}'`);
  const groupCol = column("group", "age_group");
  const sexCol = column("sex", "gender");
  return lines.slice(1).map((line) => {
    const cells = line.split(sep).map((c) => c.trim().replace(/^"|"$/g, ""));
    const ageText = cells[ageCol] ?? "";
    const range = /^(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)$/.exec(ageText);
    const age = range
      ? (Number(range[1]) + Number(range[2])) / 2
      : ageText !== "" && Number.isFinite(Number(ageText))
      ? Number(ageText)
      : undefined;
    const row: ParticipantRow = { id: cells[idCol], age, ageText };
    if (groupCol >= 0 && cells[groupCol]) row.group = cells[groupCol];
    if (sexCol >= 0 && cells[sexCol] && cells[sexCol].toLowerCase() !== "n/a") row.sex = cells[sexCol];
    return row;
  });
}

interface Found {
  acquisitions: CohortAcquisition[];
  truth: Record<string, string>;
  maps: Record<string, string>;
  problems: { path: string; reason: string }[];
}

async function findAcquisitions(dir: string, id: string): Promise<Found> {
  const found: Found = { acquisitions: [], truth: {}, maps: {}, problems: [] };
  const walk = async (folder: string, rel: string, depth: number) => {
    const files = new Set<string>(), dirs: string[] = [];
    for await (const entry of Deno.readDir(folder)) {
      if (entry.name.startsWith(".")) continue;
      if (entry.isDirectory) dirs.push(entry.name);
      else files.add(entry.name);
    }
    if (rel === "truth") {
      for (const name of [...files].sort()) {
        const m = NIFTI.exec(name);
        if (!m) continue;
        (MAP_NAMES.has(m[1]) ? found.maps : found.truth)[m[1]] = `${folder}/${name}`;
      }
      return;
    }
    for (const name of [...files].sort()) {
      const m = NIFTI.exec(name);
      if (!m) continue;
      const stem = m[1];
      if (stem === "data") {
        const acqName = rel === "" ? "data" : rel.replaceAll("/", "_");
        const missing = ["bvals", "bvecs"].filter((f) => !files.has(f));
        if (missing.length > 0) {
          found.problems.push({
            path: `${folder}/${name}`,
            reason: `missing ${missing.join(" and ")} next to it`,
          });
          continue;
        }
        found.acquisitions.push({
          name: acqName,
          dwiPath: `${folder}/${name}`,
          bvalPath: `${folder}/bvals`,
          bvecPath: `${folder}/bvecs`,
        });
        continue;
      }
      const bval = files.has(`${stem}.bval`), bvec = files.has(`${stem}.bvec`);
      const isDwi = /_dwi$/i.test(stem);
      if (!bval && !bvec && !isDwi) continue; // an anatomical image, a mask, ...
      if (!bval || !bvec) {
        const missing = [bval ? "" : `${stem}.bval`, bvec ? "" : `${stem}.bvec`].filter(Boolean);
        found.problems.push({
          path: `${folder}/${name}`,
          reason: `missing ${missing.join(" and ")} next to it`,
        });
        continue;
      }
      const acqName =
        stem.replace(new RegExp(`^(sub-)?${escape(id.replace(/^sub-/, ""))}_`), "").replace(/_dwi$/i, "") ||
        stem;
      found.acquisitions.push({
        name: acqName,
        dwiPath: `${folder}/${name}`,
        bvalPath: `${folder}/${stem}.bval`,
        bvecPath: `${folder}/${stem}.bvec`,
      });
    }
    if (depth >= 5) return;
    for (const d of dirs.sort()) await walk(`${folder}/${d}`, rel === "" ? d : `${rel}/${d}`, depth + 1);
  };
  await walk(dir, "", 0);
  const seen = new Map<string, number>();
  for (const acq of found.acquisitions) {
    const n = seen.get(acq.name) ?? 0;
    seen.set(acq.name, n + 1);
    if (n > 0) acq.name = `${acq.name}_${n + 1}`;
  }
  found.acquisitions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Volume count of a good acquisition, or the reason it is broken. */
async function checkAcquisition(acq: CohortAcquisition, full: boolean): Promise<number | string> {
  let bvals: number, bvecs: number;
  try {
    bvals = parseBvals(await Deno.readTextFile(acq.bvalPath), acq.bvalPath).length;
    bvecs = parseBvecs(await Deno.readTextFile(acq.bvecPath), acq.bvecPath).length / 3;
  } catch (e) {
    return `gradient files unreadable (${(e as Error).message})`;
  }
  if (bvals !== bvecs) return `${bvals} b-values but ${bvecs} b-vectors`;
  let volumes: number;
  try {
    const { head, total } = await readStart(acq.dwiPath, 544, full);
    const h = parseHeader(head, acq.dwiPath);
    const dims = h.dim.slice(1, 1 + h.dim[0]);
    volumes = h.dim[0] >= 4 ? h.dim[4] : 1;
    if (h.dim[0] < 4 || dims.slice(4).some((d) => d > 1)) {
      return `not a 4-D DWI series (dim = [${dims.join(", ")}])`;
    }
    if (full) {
      const expected = h.voxOffset + (dims.reduce((a, b) => a * b, 1) * h.bitpix) / 8;
      if (total < expected) return `truncated image: ${total} of ${expected} bytes`;
    }
  } catch (e) {
    return `unreadable NIfTI (${(e as Error).message})`;
  }
  if (volumes !== bvals) return `${volumes} volumes but ${bvals} b-values`;
  return volumes;
}

/** The first `n` bytes of a (possibly gzipped) file, and with `full` its whole decompressed length. */
async function readStart(
  path: string,
  n: number,
  full: boolean,
): Promise<{ head: Uint8Array; total: number }> {
  const file = await Deno.open(path);
  try {
    const probe = new Uint8Array(2);
    const got = await file.read(probe);
    await file.seek(0, Deno.SeekMode.Start);
    const gz = got === 2 && probe[0] === 0x1f && probe[1] === 0x8b;
    const stream = gz ? file.readable.pipeThrough(new DecompressionStream("gzip")) : file.readable;
    const reader = stream.getReader();
    const head = new Uint8Array(n);
    let filled = 0, total = 0;
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        if (filled < n) {
          const take = Math.min(n - filled, value.length);
          head.set(value.subarray(0, take), filled);
          filled += take;
        }
        total += value.length;
        if (!full && filled >= n) break;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
    return { head: head.subarray(0, filled), total };
  } finally {
    try {
      file.close();
    } catch {
      // already closed by the stream
    }
  }
}
