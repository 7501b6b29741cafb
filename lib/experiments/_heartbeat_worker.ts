// The heartbeat of lib/experiments/lock.ts in its own thread, so that a long synchronous stretch of the main
// thread (a tensor fit, a training step) never delays it. Every `intervalMs` it touches each held lock file
// (mtime = now) after checking that the path still names the owner's file (same inode); a lock whose file
// is gone or replaced is reported lost and dropped.
/// <reference lib="deno.worker" />

interface Beat {
  path: string;
  ino: number | null;
}

const beats = new Map<string, Beat>();
let timer: ReturnType<typeof setInterval> | undefined;
let every = Infinity;

async function beatAll(): Promise<void> {
  for (const beat of [...beats.values()]) {
    try {
      const info = await Deno.stat(beat.path);
      if (beat.ino !== null && info.ino !== beat.ino) throw new Error("replaced");
      const now = new Date();
      await Deno.utime(beat.path, now, now);
    } catch {
      if (beats.get(beat.path) === beat) {
        beats.delete(beat.path);
        self.postMessage({ type: "lost", path: beat.path });
      }
    }
  }
}

self.onmessage = (event: MessageEvent) => {
  const m = event.data as
    | { type: "add"; path: string; ino: number | null; intervalMs: number }
    | { type: "remove"; path: string };
  if (m.type === "add") {
    beats.set(m.path, { path: m.path, ino: m.ino });
    // One timer for all locks, at the shortest interval asked for.
    if (m.intervalMs < every) {
      every = m.intervalMs;
      clearInterval(timer);
      timer = setInterval(() => void beatAll(), every);
    }
  } else {
    beats.delete(m.path);
  }
};
