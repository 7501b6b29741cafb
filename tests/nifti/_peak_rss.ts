/**
 * Child process of the memory tests: `deno run --allow-all _peak_rss.ts
 * read|header PATH [OPTIONS_JSON]` reads one file and prints one JSON line (see PeakReport in
 * _crafted.ts) with the process's peak resident memory (VmHWM from /proc/self/status).
 */

import { crc32 } from "node:zlib";
import { readNifti, readNiftiHeader } from "../../lib/nifti/mod.ts";

function peakRss(): number {
  const status = Deno.readTextFileSync("/proc/self/status");
  return Number(/VmHWM:\s+(\d+)\s+kB/.exec(status)![1]) * 1024;
}

const [what, path, json = "{}"] = Deno.args;
const { probe = [], ...options } = JSON.parse(json) as { probe?: number[] } & Record<string, unknown>;
const start = performance.now();
let report: Record<string, unknown>;
try {
  if (what === "header") {
    const info = await readNiftiHeader(path, options);
    report = { shape: info.shape, datatype: info.datatype };
  } else {
    const vol = await readNifti(path, options);
    const d = vol.data;
    const bytes = new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
    let crc = 0;
    for (let at = 0; at < bytes.length; at += 1 << 30) crc = crc32(bytes.subarray(at, at + (1 << 30)), crc);
    report = {
      shape: vol.shape,
      datatype: vol.datatype,
      dataBytes: d.byteLength,
      dataCrc: crc >>> 0,
      probe: probe.map((i) => Number(d[i])),
    };
  }
} catch (e) {
  const err = e as Error;
  report = { error: { name: err.name, message: err.message } };
}
report.seconds = (performance.now() - start) / 1000;
report.peakRss = peakRss();
console.log(JSON.stringify(report));
