/** Where an npm package's files lie on this machine (Deno's npm cache or a node_modules folder). */
import { join } from "node:path";
import { ForeignModelError } from "./errors.ts";

/** Options of {@linkcode npmPackageDir}. */
export interface NpmPackageDirOptions {
  /**
   * Folders to search, each holding `<name>/<version>/` (a Deno npm cache) or `<name>/` with a package.json of
   * that version (a node_modules). @default $CAM_NPM_DIR, $DENO_DIR/npm/registry.npmjs.org,
   * $XDG_CACHE_HOME/deno/npm/registry.npmjs.org, ~/.cache/deno/npm/registry.npmjs.org, ./node_modules
   */
  roots?: readonly string[];
}

/** The default search roots (see {@linkcode NpmPackageDirOptions.roots}). */
export function defaultNpmRoots(): string[] {
  const env = (k: string) => {
    try {
      return Deno.env.get(k);
    } catch {
      return undefined;
    }
  };
  const roots: string[] = [];
  const explicit = env("CAM_NPM_DIR");
  if (explicit) roots.push(explicit);
  const denoDir = env("DENO_DIR");
  if (denoDir) roots.push(join(denoDir, "npm", "registry.npmjs.org"));
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) roots.push(join(xdg, "deno", "npm", "registry.npmjs.org"));
  const home = env("HOME");
  if (home) roots.push(join(home, ".cache", "deno", "npm", "registry.npmjs.org"));
  roots.push("node_modules");
  return roots;
}

/**
 * The folder of an installed npm package of an exact version, or `undefined` when it is not on this machine.
 * Nothing is downloaded: fetch it once with `deno cache npm:<name>@<version>`.
 *
 * @example
 * const dir = npmPackageDir("@vladmandic/face-api", "1.7.15"); // ~/.cache/deno/npm/registry.npmjs.org/@vladmandic/face-api/1.7.15
 */
export function npmPackageDir(
  name: string,
  version: string,
  options: NpmPackageDirOptions = {},
): string | undefined {
  for (const root of options.roots ?? defaultNpmRoots()) {
    for (const dir of [join(root, name, version), join(root, name)]) {
      try {
        const pkg = JSON.parse(Deno.readTextFileSync(join(dir, "package.json")));
        if (pkg.name === name && pkg.version === version) return dir;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

/** The package folder, or a ForeignModelError that says how to fetch it. */
export function packageDirOrThrow(name: string, version: string): string {
  const dir = npmPackageDir(name, version);
  if (!dir) {
    throw new ForeignModelError(
      `npm:${name}@${version}`,
      `not found in Deno's npm cache or node_modules; fetch it once with \`deno cache npm:${name}@${version}\``,
    );
  }
  return dir;
}
