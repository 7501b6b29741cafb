/**
 * Locks on a shared folder: one mechanism for concurrent runs on one machine and for shards (Slurm array
 * tasks) on several. A grid cell is claimed with a lock in its folder (`<cell>/cell.lock`), an FA cache entry
 * with one next to it (`<map>.lock`).
 *
 * **File.** The lock is a small JSON file, {@linkcode LockOwner}: `pid`, `host`, a random `token`, `purpose`,
 * `createdAt`, `heartbeatSeconds`. It is written whole to a temporary file and hard-linked into place, so it
 * appears atomically and complete, and a second creator gets `AlreadyExists` (also on NFS). The owner keeps
 * the file open with an exclusive `flock` for as long as it lives; the kernel drops that lock when the
 * process dies, however it dies.
 *
 * **Heartbeat.** A worker thread touches the file's mtime every `heartbeatSeconds` (so a long synchronous
 * computation on the main thread does not stop it), after checking the path still names the owner's file.
 *
 * **Stale.** A lock is stale, and the next claimant takes it over with a one-line warning, when
 * - its owner is on this host and no process holds its `flock` (the owner died: killed, crashed, rebooted),
 * - its owner is on another host and its heartbeat (mtime) is older than `staleSeconds`,
 * - it cannot be parsed and no process holds its `flock`.
 * A takeover holds the stale file's `flock` while it removes it and checks it still names the same inode, so
 * two claimants never both take over one stale lock.
 *
 * @example
 * const lock = await tryLock("experiments/g/cell-1/cell.lock", { purpose: "cell cell-1" });
 * if (lock) {
 *   try { await work(); } finally { await lock.release(); }
 * }
 *
 * @module
 */
import { CamDmriError } from "../errors.ts";

/** What a lock file holds. */
export interface LockOwner {
  /** Process id of the owner. */
  pid: number;
  /** Host name of the owner. */
  host: string;
  /** Random id of this lock (a new one for each acquisition). */
  token: string;
  /** What the lock is for, e.g. "cell quick-cohort-...". */
  purpose: string;
  /** When the lock was taken (ISO 8601). */
  createdAt: string;
  /** How often the owner touches the file. */
  heartbeatSeconds: number;
}

/** Who holds a lock, as far as its file tells. */
export interface LockHolder {
  /** The lock file. */
  path: string;
  /** Its content, or undefined when it cannot be parsed. */
  owner?: LockOwner;
  /** Seconds since the last heartbeat (file mtime). */
  heartbeatAgeSeconds: number;
}

/** Options of {@linkcode tryLock} and {@linkcode waitLock}. */
export interface LockOptions {
  /** Seconds between heartbeats. @default 15 */
  heartbeatSeconds?: number;
  /** A lock of another host whose last heartbeat is older than this is stale. @default 120 */
  staleSeconds?: number;
  /** What the lock is for, recorded in the file. @default "" */
  purpose?: string;
}

/** Lock failures that are not "held by someone else": the message names the lock file. */
export class LockError extends CamDmriError {
  /** The lock file (the error's `source`). */
  readonly file: string;
  constructor(file: string, reason: string, options?: ErrorOptions) {
    super(file, reason, options);
    this.name = "LockError";
    this.file = file;
  }
}

/** The name of this host (`Deno.hostname()`, else /etc/hostname, else "localhost"). */
export function hostName(): string {
  hostCache ??= readHostName();
  return hostCache;
}

let hostCache: string | undefined;

function readHostName(): string {
  try {
    return Deno.hostname();
  } catch { /* no --allow-sys */ }
  try {
    const name = Deno.readTextFileSync("/etc/hostname").trim();
    if (name) return name;
  } catch { /* not there */ }
  return "localhost";
}

/** A lock this process holds. Release it (in a `finally`) when done. */
export class Lock {
  #file: Deno.FsFile | null;
  #lost = false;
  /** @internal Use {@linkcode tryLock}. */
  constructor(
    readonly path: string,
    readonly owner: LockOwner,
    readonly ino: number | null,
    file: Deno.FsFile,
  ) {
    this.#file = file;
  }

  /** True once the heartbeat found the file gone or replaced (another process judged it stale). */
  get lost(): boolean {
    return this.#lost;
  }

  /** @internal */
  markLost(): void {
    this.#lost = true;
  }

  /** Whether the lock file on disk is still this lock (checks now, not at the last heartbeat). */
  async held(): Promise<boolean> {
    if (this.#file === null || this.#lost) return false;
    try {
      const info = await Deno.stat(this.path);
      return this.ino === null || info.ino === this.ino;
    } catch {
      return false;
    }
  }

  /** Remove the lock file (if it is still this lock) and stop its heartbeat. Safe to call twice. */
  async release(): Promise<void> {
    if (this.#file === null) return;
    stopHeartbeat(this);
    if (await this.held()) await Deno.remove(this.path).catch(() => {});
    this.#file.close();
    this.#file = null;
  }
}

// ---- heartbeat (one worker thread for every lock of the process) ----

let worker: Worker | undefined;
const beating = new Map<string, Lock>();

function startHeartbeat(lock: Lock, seconds: number): void {
  if (!worker) {
    worker = new Worker(new URL("./_heartbeat_worker.ts", import.meta.url), { type: "module" });
    worker.onmessage = (e: MessageEvent) => {
      const m = e.data as { type: string; path: string };
      if (m.type === "lost") beating.get(m.path)?.markLost();
    };
  }
  beating.set(lock.path, lock);
  worker.postMessage({ type: "add", path: lock.path, ino: lock.ino, intervalMs: seconds * 1000 });
}

function stopHeartbeat(lock: Lock): void {
  if (beating.get(lock.path) !== lock) return;
  beating.delete(lock.path);
  worker?.postMessage({ type: "remove", path: lock.path });
  if (beating.size === 0) {
    worker?.terminate();
    worker = undefined;
  }
}

// ---- acquiring ----

function sleep(seconds: number): Promise<void> {
  return new Promise((r) => setTimeout(r, seconds * 1000));
}

async function create(path: string, options: LockOptions): Promise<Lock | null> {
  const heartbeatSeconds = options.heartbeatSeconds ?? 15;
  const owner: LockOwner = {
    pid: Deno.pid,
    host: hostName(),
    token: crypto.randomUUID(),
    purpose: options.purpose ?? "",
    createdAt: new Date().toISOString(),
    heartbeatSeconds,
  };
  const slash = path.lastIndexOf("/");
  if (slash > 0) await Deno.mkdir(path.slice(0, slash), { recursive: true });
  const tmp = `${path}.${owner.token.slice(0, 8)}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(owner, null, 2) + "\n");
  let file: Deno.FsFile | null = null;
  try {
    file = await Deno.open(tmp, { read: true, write: true });
    // A new file nobody else has open: this only fails where the filesystem has no flock (then the
    // heartbeat alone tells a live owner from a dead one).
    await file.tryLock(true).catch(() => false);
    try {
      await Deno.link(tmp, path);
    } catch (e) {
      if (e instanceof Deno.errors.AlreadyExists) {
        file.close();
        file = null;
        return null;
      }
      throw new LockError(path, `cannot create the lock (${(e as Error).message})`, { cause: e });
    }
    const lock = new Lock(path, owner, (await file.stat()).ino, file);
    file = null;
    startHeartbeat(lock, heartbeatSeconds);
    return lock;
  } catch (e) {
    file?.close();
    throw e;
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text);
    if (typeof o?.pid === "number" && typeof o?.host === "string" && typeof o?.token === "string") {
      return o as LockOwner;
    }
  } catch { /* torn or foreign */ }
  return undefined;
}

/** Who holds the lock at `path`, or undefined when there is no lock file. */
export async function lockHolder(path: string): Promise<LockHolder | undefined> {
  try {
    const [text, info] = await Promise.all([Deno.readTextFile(path), Deno.stat(path)]);
    return {
      path,
      owner: parseOwner(text),
      heartbeatAgeSeconds: (Date.now() - (info.mtime?.getTime() ?? 0)) / 1000,
    };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/** One line saying who holds a lock: "pid 123 on host-a, heartbeat 3 s ago". */
export function describeHolder(holder: LockHolder | undefined): string {
  if (!holder) return "nobody";
  const who = holder.owner ? `pid ${holder.owner.pid} on ${holder.owner.host}` : "an unreadable lock";
  return `${who}, heartbeat ${Math.round(holder.heartbeatAgeSeconds)} s ago`;
}

/**
 * Try to take the lock at `path` once, taking over a stale one (see the module doc).
 *
 * @returns the lock, or null when a live owner holds it.
 */
export async function tryLock(path: string, options: LockOptions = {}): Promise<Lock | null> {
  const staleSeconds = options.staleSeconds ?? 120;
  for (let round = 0; round < 8; round++) {
    const lock = await create(path, options);
    if (lock) return lock;
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) continue; // released meanwhile: try again
      throw new LockError(path, `cannot read the lock (${(e as Error).message})`, { cause: e });
    }
    try {
      const info = await file.stat();
      const text = new TextDecoder().decode(await readAll(file));
      const owner = parseOwner(text);
      const age = (Date.now() - (info.mtime?.getTime() ?? 0)) / 1000;
      const local = owner === undefined || owner.host === hostName();
      // Holding the file's flock: its owner (on this host) is dead, and no other claimant is taking over.
      const flock = await file.tryLock(true).then((ok) => ok, () => null);
      if (flock === false) return null;
      let reason: string;
      if (local && flock === true) {
        reason = owner ? "its process is gone" : "no process holds it";
      } else if (age > staleSeconds) {
        reason = `no heartbeat for ${Math.round(age)} s`;
      } else {
        return null;
      }
      const now = await Deno.stat(path).catch(() => null);
      if (now === null || now.ino !== info.ino) continue; // replaced meanwhile: look again
      console.warn(
        `[lock] ${path}: taking over a stale lock (${
          owner ? `pid ${owner.pid} on ${owner.host}` : "unreadable"
        }: ${reason})`,
      );
      await Deno.remove(path).catch(() => {});
      // Create ours while still holding the stale file's flock, so nobody else judges it again.
      const taken = await create(path, options);
      if (taken) return taken;
    } finally {
      file.close();
    }
  }
  return null;
}

async function readAll(file: Deno.FsFile): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(4096);
  let total = 0;
  for (;;) {
    const n = await file.read(buf);
    if (n === null || total > 1 << 16) break;
    chunks.push(buf.slice(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Options of {@linkcode waitLock}. */
export interface WaitLockOptions extends LockOptions {
  /** Seconds between tries. @default 1 */
  pollSeconds?: number;
  /** Give up with a {@linkcode LockError} after this many seconds. @default Infinity */
  timeoutSeconds?: number;
  /** Stop waiting, returning null, as soon as this says true (e.g. the holder finished the work). */
  done?: () => Promise<boolean>;
  /** Called once when the lock is found held, with its holder. */
  onWait?: (holder: LockHolder | undefined) => void;
}

/**
 * Take the lock at `path`, waiting while a live owner holds it.
 *
 * @returns the lock, or null when `done` said the work is done.
 * @throws {LockError} after `timeoutSeconds`.
 */
export async function waitLock(path: string, options: WaitLockOptions = {}): Promise<Lock | null> {
  const { pollSeconds = 1, timeoutSeconds = Infinity } = options;
  const start = Date.now();
  let told = false;
  for (;;) {
    const lock = await tryLock(path, options);
    if (lock) return lock;
    if (options.done && await options.done()) return null;
    if (!told) {
      told = true;
      options.onWait?.(await lockHolder(path));
    }
    if ((Date.now() - start) / 1000 > timeoutSeconds) {
      throw new LockError(
        path,
        `still held after ${timeoutSeconds} s by ${describeHolder(await lockHolder(path))}`,
      );
    }
    await sleep(pollSeconds);
  }
}
