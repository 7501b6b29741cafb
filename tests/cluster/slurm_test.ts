import assert from "node:assert/strict";
import { ClusterError, parseShard, shareOf, slurmPipeline, submitPipeline } from "../../lib/cluster/mod.ts";
import { readManifest } from "../../lib/experiments/mod.ts";
import { loadStudyGrid } from "../../lib/study/mod.ts";
import { needs } from "../_skip.ts";

const CLI = new URL("../../lib/cli/slurm.ts", import.meta.url).pathname;
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("shards: i/n parsed and checked, round-robin shares", async (t) => {
  await t.step("parseShard", () => {
    assert.deepEqual(parseShard("2/8"), { index: 2, count: 8 });
    assert.deepEqual(parseShard(" 0 / 1 "), { index: 0, count: 1 });
    for (const bad of ["8/8", "1/0", "-1/4", "a/4", "3", "1/2/3"]) {
      assert.throws(
        () => parseShard(bad),
        (e) => e instanceof ClusterError && /^--shard: /.test(e.message),
        bad,
      );
    }
  });
  await t.step("shareOf: every item in exactly one share, the shares within one of each other", () => {
    const items = Array.from({ length: 11 }, (_, k) => k);
    const shares = [0, 1, 2].map((index) => shareOf(items, { index, count: 3 }));
    assert.deepEqual(shares, [[0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8]]);
    assert.deepEqual(shareOf(items), items);
  });
});

Deno.test("slurmPipeline / submitPipeline: three array jobs chained by afterok", async (t) => {
  const pipeline = slurmPipeline({
    workdir: "/lab/cam dmri",
    grid: "paper",
    preprocessTasks: 100,
    gridTasks: 36,
    gpus: 1,
    cohortArgs: ["--data", "/lab/hcp"],
    reproduceArgs: ["--root", "/lab/runs"],
    preprocessArgs: ["--maps", "md,rd"],
    partition: "gpu",
    time: "12:00:00",
    modules: ["cuda/12.2"],
    denoDir: "/lab/deno-cache",
  });
  await t.step("the scripts", () => {
    const { preprocess, grid, collect } = pipeline.scripts;
    assert.match(preprocess, /^#SBATCH --array=0-99$/m);
    assert.match(
      preprocess,
      /^exec deno task preprocess --data \/lab\/hcp --maps md,rd --shard "\$\{SLURM_ARRAY_TASK_ID\}\/100"$/m,
    );
    assert.doesNotMatch(preprocess, /--gres/);
    assert.match(grid, /^#SBATCH --array=0-35$/m);
    assert.match(grid, /^#SBATCH --gres=gpu:1$/m);
    assert.match(grid, /^#SBATCH --partition=gpu$/m);
    assert.match(grid, /^#SBATCH --time=12:00:00$/m);
    assert.match(grid, /^cd '\/lab\/cam dmri'$/m);
    assert.match(grid, /^module load cuda\/12\.2$/m);
    assert.match(grid, /^export DENO_DIR=\/lab\/deno-cache$/m);
    assert.match(
      grid,
      /^exec deno task reproduce --data \/lab\/hcp --grid paper --root \/lab\/runs --shard "\$\{SLURM_ARRAY_TASK_ID\}\/36"$/m,
    );
    assert.doesNotMatch(collect, /--array|--shard/);
    assert.match(collect, /^#SBATCH --output=\/lab\/cam dmri\/experiments\/slurm\/logs\/collect-%j\.out$/m);
    assert.match(
      collect,
      /^exec deno task reproduce --data \/lab\/hcp --grid paper --root \/lab\/runs --collect$/m,
    );
    assert.deepEqual(pipeline.tasks, { preprocess: 100, grid: 36, collect: 1 });
  });
  await t.step("bad options are ClusterErrors naming the option", () => {
    assert.throws(() => slurmPipeline({ workdir: "rel", grid: "g" }), {
      name: "ClusterError",
      message: /^workdir: /,
    });
    assert.throws(() => slurmPipeline({ workdir: "/w", grid: "g", gridTasks: 0 }), {
      name: "ClusterError",
      message: "gridTasks: must be a positive integer, got 0",
    });
  });
  await t.step("submitted in order, each stage afterok the one before (a stand-in sbatch)", async () => {
    const dir = await Deno.makeTempDir({ prefix: "cam-slurm-submit-" });
    try {
      const calls = `${dir}/calls.txt`;
      const fake = `${dir}/sbatch`;
      await Deno.writeTextFile(
        fake,
        `#!/bin/bash\necho "$*" >> ${calls}\nn=$(wc -l < ${calls})\necho "$((100 + n));cluster"\n`,
        { mode: 0o755 },
      );
      const local = { ...pipeline, logDir: `${dir}/logs` };
      const { scripts, jobs } = await submitPipeline(`${dir}/scripts`, local, { submit: true, sbatch: fake });
      assert.deepEqual(jobs, { preprocess: "101", grid: "102", collect: "103" });
      assert.deepEqual((await Deno.readTextFile(calls)).trim().split("\n"), [
        `--parsable ${scripts.preprocess}`,
        `--parsable --dependency=afterok:101 ${scripts.grid}`,
        `--parsable --dependency=afterok:102 ${scripts.collect}`,
      ]);
      assert.equal(await Deno.readTextFile(scripts.grid), pipeline.scripts.grid);
      assert.ok((await Deno.stat(`${dir}/logs`)).isDirectory);
      await Deno.writeTextFile(fake, "#!/bin/bash\necho 'sbatch: error: invalid partition' >&2\nexit 1\n");
      await assert.rejects(submitPipeline(`${dir}/scripts`, local, { submit: true, sbatch: fake }), {
        name: "ClusterError",
        message: new RegExp(
          `${fake} ${dir}/scripts/preprocess.sh: failed \\(exit 1\\): sbatch: error: invalid partition`,
        ),
      });
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

function which(cmd: string): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":").concat(["/usr/sbin", "/sbin"])) {
    try {
      if (Deno.statSync(`${dir}/${cmd}`).isFile) return true;
    } catch { /* not there */ }
  }
  return false;
}

const isRoot = Deno.uid() === 0;
const slurm = needs(
  isRoot && ["sbatch", "squeue", "slurmctld", "slurmd", "munged", "mungekey", "setpriv"].every(which),
  "a one-node Slurm (Debian slurm-wlm + munge, run as root)",
);

/**
 * TCP ports in use on this host, from /proc/net/tcp and tcp6 (the test task has no --allow-net to try one).
 */
function portsInUse(): Set<number> {
  const used = new Set<number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      for (const line of Deno.readTextFileSync(file).split("\n").slice(1)) {
        const local = line.trim().split(/\s+/)[1];
        if (local) used.add(parseInt(local.split(":").pop()!, 16));
      }
    } catch { /* not Linux, or not readable */ }
  }
  return used;
}

/** Two distinct ports in 20000–59999 that no socket here uses. */
function freePorts(): [number, number] {
  const used = portsInUse();
  const pick = (): number => {
    for (;;) {
      const p = 20000 + Math.floor(Math.random() * 40000);
      if (!used.has(p)) {
        used.add(p);
        return p;
      }
    }
  };
  return [pick(), pick()];
}

/**
 * A one-node Slurm in `dir`: munged (as user munge) with its own key and socket, slurmctld and slurmd (as
 * root) on free ports, state, spool and logs in `dir`. Returns the environment for its clients and a stop
 * that kills the three daemons it started, by PID.
 */
async function startSlurm(dir: string): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const host = Deno.hostname();
  const sbin = (cmd: string) =>
    ["/usr/sbin", "/usr/bin", "/sbin"].map((d) => `${d}/${cmd}`).find((p) => {
      try {
        return Deno.statSync(p).isFile;
      } catch {
        return false;
      }
    }) ?? cmd;
  const run = async (cmd: string, args: string[]) => {
    const out = await new Deno.Command(sbin(cmd), { args, stdout: "piped", stderr: "piped" }).output();
    assert.ok(out.success, `${cmd} ${args.join(" ")}: ${decode(out.stderr)}`);
  };
  await Deno.chmod(dir, 0o755);
  const munge = `${dir}/munge`;
  await Deno.mkdir(munge, { mode: 0o755 });
  await run("mungekey", ["--create", `--keyfile=${munge}/munge.key`]);
  await run("chown", ["-R", "munge:munge", munge]);
  await Deno.mkdir(`${dir}/state`);
  await Deno.mkdir(`${dir}/spool`);
  const conf = `${dir}/slurm.conf`;
  const [ctldPort, dPort] = freePorts();
  await Deno.writeTextFile(
    conf,
    [
      "ClusterName=camtest",
      `SlurmctldHost=${host}`,
      "SlurmUser=root",
      "SlurmdUser=root",
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      "AuthType=auth/munge",
      `AuthInfo=socket=${munge}/munge.socket`,
      "CredType=cred/munge",
      `StateSaveLocation=${dir}/state`,
      `SlurmdSpoolDir=${dir}/spool`,
      `SlurmctldPidFile=${dir}/slurmctld.pid`,
      `SlurmdPidFile=${dir}/slurmd.pid`,
      `SlurmctldLogFile=${dir}/slurmctld.log`,
      `SlurmdLogFile=${dir}/slurmd.log`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_Core",
      "ReturnToService=2",
      "MpiDefault=none",
      "JobCompType=jobcomp/none",
      "AccountingStorageType=accounting_storage/none",
      "JobAcctGatherType=jobacct_gather/none",
      `NodeName=${host} CPUs=2 State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const daemons: Deno.ChildProcess[] = [];
  // Their logs go to the files named in the config and on the command line.
  const start = (cmd: string, args: string[]) =>
    daemons.push(new Deno.Command(sbin(cmd), { args, env, stdout: "null", stderr: "null" }).spawn());
  const stop = async () => {
    // The daemons this test started, by PID, newest first.
    for (const d of daemons.reverse()) {
      try {
        Deno.kill(d.pid, "SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          Deno.kill(d.pid, "SIGKILL");
        } catch { /* gone */ }
      }, 10_000);
      await d.status;
      clearTimeout(timer);
    }
  };
  try {
    // setpriv execs munged as user munge, so the PID is munged's own.
    start("setpriv", [
      "--reuid=munge",
      "--regid=munge",
      "--init-groups",
      sbin("munged"),
      "-F",
      `--key-file=${munge}/munge.key`,
      `--socket=${munge}/munge.socket`,
      `--log-file=${munge}/munged.log`,
      `--pid-file=${munge}/munged.pid`,
      `--seed-file=${munge}/munged.seed`,
    ]);
    for (let i = 0; i < 50; i++) {
      try {
        await Deno.stat(`${munge}/munge.socket`);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    start("slurmctld", ["-D", "-f", conf]);
    start("slurmd", ["-D", "-f", conf]);
    // Up when sinfo sees the node idle.
    for (let i = 0;; i++) {
      const out = await new Deno.Command("sinfo", {
        args: ["-h", "-o", "%t"],
        env,
        stdout: "piped",
        stderr: "null",
      })
        .output();
      if (out.success && decode(out.stdout).trim() === "idle") break;
      if (i > 60) {
        throw new Error(
          `the one-node Slurm did not come up: ${await Deno.readTextFile(`${dir}/slurmctld.log`).catch(() =>
            ""
          )}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { env, stop };
}

Deno.test({
  name: "deno task slurm --submit on a one-node Slurm: preprocess → quick grid as 4 array tasks → collect" +
    slurm.label,
  ignore: slurm.ignore,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "cam-slurm-" });
    const root = "experiments/_test_slurm";
    const { env, stop } = await startSlurm(dir);
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          CLI,
          "--grid",
          "quick",
          "--scale",
          "quick",
          "--cpus",
          "1",
          "--preprocess-tasks",
          "2",
          "--time",
          "00:30:00",
          "--submit",
          "--out",
          `${dir}/scripts`,
          "--",
          "--root",
          root,
        ],
        env,
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, decode(out.stderr));
      const stdout = decode(out.stdout);
      assert.match(stdout, /grid quick: 4 cells on 4 task\(s\), 12 subjects on 2 preprocess task\(s\)/);
      const jobs = [...stdout.matchAll(/submitted as job (\d+)/g)].map((m) => m[1]);
      assert.equal(jobs.length, 3, stdout);
      // Wait until no job of ours is queued or running.
      const deadline = Date.now() + 20 * 60_000;
      for (;;) {
        const q = await new Deno.Command("squeue", {
          args: ["-h", "-j", jobs.join(",")],
          env,
          stdout: "piped",
        })
          .output();
        if (decode(q.stdout).trim() === "") break;
        assert.ok(Date.now() < deadline, `jobs still queued after 20 min:\n${decode(q.stdout)}`);
        await new Promise((r) => setTimeout(r, 2000));
      }
      const logs = [...Deno.readDirSync(`${dir}/scripts/logs`)].map((e) => e.name).sort();
      const logOf = (name: string) => Deno.readTextFileSync(`${dir}/scripts/logs/${name}`);
      assert.deepEqual(
        logs.filter((n) => n.startsWith("grid-")),
        [0, 1, 2, 3].map((i) => `grid-${jobs[1]}_${i}.out`),
      );
      for (const [i, name] of logs.filter((n) => n.startsWith("grid-")).entries()) {
        assert.match(logOf(name), new RegExp(`\\[slurm\\] grid task ${i} of job \\d+`));
        assert.match(logOf(name), /ran 1 cells/, logOf(name));
      }
      assert.equal(logs.filter((n) => n.startsWith("preprocess-")).length, 2);
      const collect = logOf(`collect-${jobs[2]}.out`);
      assert.match(collect, /--collect quick: 4\/4 cells finished/, collect);
      // The collected tables: one results row per cell, each cell run once.
      const { cells } = await loadStudyGrid("experiments/configs/quick.json");
      const results = (await Deno.readTextFile(`${root}/quick/results.csv`)).trim().split("\n");
      assert.equal(results.length, 1 + cells.length);
      for (const cell of cells) {
        assert.ok(results.some((r) => r.startsWith(`${cell.id},`)), cell.id);
        assert.equal((await readManifest(`${root}/quick/${cell.id}/manifest.json`))?.attempts, 1);
      }
      await Deno.stat(`${root}/quick/summary_accuracy.csv`);
    } finally {
      await stop();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      await Deno.remove(root, { recursive: true }).catch(() => {});
    }
  },
});
