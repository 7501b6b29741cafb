/**
 * The file helpers moved to lib/fs.ts (floor 0, shared by every folder); this re-export keeps old imports
 * working.
 *
 * @module
 */
export * from "../fs.ts";
