// Holds a lock until killed; used by lock_test.ts and runner_test.ts. Prints "locked" once it holds it.
import { tryLock } from "../../lib/experiments/lock.ts";

const lock = await tryLock(Deno.args[0], { purpose: "test holder", heartbeatSeconds: 0.2 });
console.log(lock ? "locked" : "held");
if (lock) await new Promise(() => setInterval(() => {}, 1000));
