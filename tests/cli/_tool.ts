// How the CLI tests run a lib/cli tool other than reproduce (tests/cli/_reproduce.ts): `deno run` with read,
// write, env and sys, stdout and stderr collected as text.

/** Run `lib/cli/<tool>.ts` with `args`; its exit code and output. */
export async function runTool(
  tool: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const script = new URL(`../../lib/cli/${tool}.ts`, import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-env", "--allow-sys", script, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}
