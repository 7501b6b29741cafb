// How the CLI tests start `lib/cli/reproduce.ts`: with `deno task reproduce`'s permissions less --allow-ffi,
// on the cpu backend (CAM_BACKEND=cpu), stdout and stderr piped.

const SCRIPT = new URL("../../lib/cli/reproduce.ts", import.meta.url).pathname;

/** The `deno run` command of reproduce with `args`; `.output()` or `.spawn()` it. */
export function reproduceCommand(args: string[]): Deno.Command {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write=data,experiments",
      "--allow-env",
      "--allow-sys",
      SCRIPT,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { CAM_BACKEND: "cpu" },
  });
}
