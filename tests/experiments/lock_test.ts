import assert from "node:assert/strict";
import { warnings } from "../_console.ts";
import { CamDmriError } from "../../lib/errors.ts";
import {
  hostName,
  type Lock,
  lockHolder,
  type LockOptions,
  type LockOwner,
  tryLock,
  waitLock,
} from "../../lib/experiments/mod.ts";

const HOLDER = new URL("./_lock_holder.ts", import.meta.url).pathname;

/** tryLock with its warnings captured. */
async function take(path: string, options?: LockOptions): Promise<{ lock: Lock | null; lines: string[] }> {
  let lock: Lock | null = null;
  const lines = await warnings(async () => lock = await tryLock(path, options));
  return { lock, lines };
}

/** A process id that is certainly gone: a child that has exited. */
async function deadPid(): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), { args: ["--version"], stdout: "null" }).spawn();
  await child.status;
  return child.pid;
}

function ownerFile(owner: Partial<LockOwner>): string {
  return JSON.stringify({
    pid: 1,
    host: hostName(),
    token: "someone-else",
    purpose: "test",
    createdAt: new Date().toISOString(),
    heartbeatSeconds: 15,
    ...owner,
  });
}

async function spawnHolder(path: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-sys", HOLDER, path],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const { value } = await reader.read();
  assert.equal(value?.trim(), "locked");
  reader.releaseLock();
  return child;
}

Deno.test("locks", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "cam-lock-test-" });

  await t.step("one holder at a time; the file names pid, host and purpose; release frees it", async () => {
    const path = `${dir}/a/cell.lock`;
    const lock = await tryLock(path, { purpose: "cell a" });
    assert.ok(lock);
    assert.equal(await tryLock(path), null, "a second claim in the same process is refused");
    const holder = await lockHolder(path);
    assert.equal(holder?.owner?.pid, Deno.pid);
    assert.equal(holder?.owner?.host, hostName());
    assert.equal(holder?.owner?.purpose, "cell a");
    assert.ok(holder!.heartbeatAgeSeconds < 5);
    assert.equal(await lock.held(), true);
    await lock.release();
    await lock.release();
    assert.equal(await lockHolder(path), undefined);
    const again = await tryLock(path);
    assert.ok(again);
    await again.release();
  });

  await t.step("a live holder in another process keeps it; once killed, it is taken over", async () => {
    const path = `${dir}/b.lock`;
    const child = await spawnHolder(path);
    try {
      assert.equal(await tryLock(path), null);
      assert.equal((await lockHolder(path))?.owner?.pid, child.pid);
    } finally {
      child.kill("SIGKILL");
      await child.status;
    }
    const { lock, lines } = await take(path);
    assert.ok(lock);
    assert.deepEqual(lines, [
      `[lock] ${path}: taking over a stale lock (pid ${child.pid} on ${hostName()}: its process is gone)`,
    ]);
    await lock.release();
  });

  await t.step("stale: a lock of a dead pid on this host, and an unreadable one", async () => {
    const pid = await deadPid();
    const path = `${dir}/c.lock`;
    await Deno.writeTextFile(path, ownerFile({ pid }));
    const dead = await take(path);
    assert.ok(dead.lock);
    assert.match(dead.lines[0], new RegExp(`pid ${pid} on .*: its process is gone`));
    assert.equal((await lockHolder(path))?.owner?.pid, Deno.pid);
    await dead.lock.release();
    await Deno.writeTextFile(path, '{"pid": 12, "ho');
    const torn = await take(path);
    assert.ok(torn.lock);
    assert.match(torn.lines[0], /\(unreadable: no process holds it\)/);
    await torn.lock.release();
  });

  await t.step("another host: held while its heartbeat is fresh, stale after staleSeconds", async () => {
    const path = `${dir}/d.lock`;
    await Deno.writeTextFile(path, ownerFile({ host: "elsewhere.example", pid: 4242 }));
    assert.equal(await tryLock(path, { staleSeconds: 60 }), null);
    const old = new Date(Date.now() - 600_000);
    await Deno.utime(path, old, old);
    const { lock, lines } = await take(path, { staleSeconds: 60 });
    assert.ok(lock);
    assert.match(lines[0], /pid 4242 on elsewhere\.example: no heartbeat for 600 s/);
    await lock.release();
  });

  await t.step("the heartbeat touches the file; a replaced file makes the lock lost", async () => {
    const path = `${dir}/e.lock`;
    const lock = await tryLock(path, { heartbeatSeconds: 0.05 });
    assert.ok(lock);
    const old = new Date(Date.now() - 600_000);
    await Deno.utime(path, old, old);
    // wait for the heartbeat (a worker thread) however busy the machine: no fixed sleep
    await until(
      async () => (await lockHolder(path))!.heartbeatAgeSeconds < 5,
      "heartbeat refreshed the mtime",
    );
    // Another run judged it stale and replaced it.
    await Deno.remove(path);
    await Deno.writeTextFile(path, ownerFile({ host: "elsewhere.example" }));
    await until(() => lock.lost, "the lock noticed it was replaced");
    assert.equal(lock.lost, true);
    assert.equal(await lock.held(), false);
    await lock.release();
    assert.equal(
      (await lockHolder(path))?.owner?.host,
      "elsewhere.example",
      "release leaves the new lock alone",
    );
    await Deno.remove(path);
  });

  await t.step(
    "waitLock: returns null when the work is done meanwhile, LockError after its timeout",
    async () => {
      const path = `${dir}/f.lock`;
      const lock = await tryLock(path);
      assert.ok(lock);
      let polls = 0;
      assert.equal(
        await waitLock(path, { pollSeconds: 0.01, done: () => Promise.resolve(++polls >= 3) }),
        null,
      );
      assert.equal(polls, 3);
      await assert.rejects(waitLock(path, { pollSeconds: 0.01, timeoutSeconds: 0.05 }), (e: unknown) => {
        assert.ok(e instanceof CamDmriError);
        assert.equal(e.name, "LockError");
        assert.equal(e.source, path);
        assert.match(e.message, new RegExp(`^${path}: still held after 0.05 s by pid ${Deno.pid} on `));
        return true;
      });
      setTimeout(() => lock.release(), 50);
      const next = await waitLock(path, { pollSeconds: 0.01 });
      assert.ok(next);
      await next.release();
    },
  );

  await Deno.remove(dir, { recursive: true });
});

/** Polls `ok` every 20 ms until it holds; fails after 60 s (a deadline for a hung machine, not a timing claim). */
async function until(ok: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await ok())) {
    assert.ok(Date.now() < deadline, `${what}: not within 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
