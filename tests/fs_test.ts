import assert from "node:assert/strict";
import { CamDmriError } from "../lib/errors.ts";
import {
  atomicWriteSealedJson,
  checkDigest,
  digestBytes,
  digestFile,
  IntegrityError,
  readJsonIfExists,
  readSealedJson,
  sealJson,
  sha256Hex,
} from "../lib/fs.ts";

Deno.test("checked files", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "cam-atomic-test-" });

  await t.step("SHA-256 of bytes and of a file read in chunks agree (known vector)", async () => {
    assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const data = new Uint8Array(3 * (1 << 20) + 17).map((_, i) => (i * 31) & 255);
    await Deno.writeFile(`${dir}/blob`, data);
    assert.deepEqual(await digestFile(`${dir}/blob`), digestBytes(data));
  });

  await t.step("checkDigest names the file: truncated, and one flipped bit", () => {
    const data = new TextEncoder().encode("x,y\n1,2\n");
    const expected = digestBytes(data);
    checkDigest("t.csv", data, expected);
    assert.throws(() => checkDigest("g/t.csv", data.subarray(0, 5), expected), {
      name: "IntegrityError",
      message: "g/t.csv: 5 bytes, expected 8 (truncated or overwritten)",
    });
    const flipped = data.slice();
    flipped[6] ^= 1;
    assert.throws(() => checkDigest("g/t.csv", flipped, expected), {
      name: "IntegrityError",
      message:
        /^g\/t\.csv: checksum mismatch \(sha256 [0-9a-f]{12}…, expected [0-9a-f]{12}…\): the file is damaged$/,
    });
  });

  await t.step("sealed JSON round-trips and its checksum covers every field", async () => {
    const path = `${dir}/m.json`;
    const value = {
      id: "c",
      status: "done",
      n: 0.1 + 0.2,
      nested: { "10": 1, "2": [null, -0] },
      drop: undefined,
    };
    await atomicWriteSealedJson(path, value);
    const text = await Deno.readTextFile(path);
    assert.match(text, /"checksum": "sha256:[0-9a-f]{64}"\n}\n$/);
    assert.deepEqual(await readSealedJson(path), {
      id: "c",
      status: "done",
      n: 0.1 + 0.2,
      nested: { "10": 1, "2": [null, 0] },
    });
    // Sealing again replaces the old checksum.
    assert.equal(sealJson(JSON.parse(text)), text);
    await Deno.writeTextFile(path, text.replace('"done"', '"dome"'));
    await assert.rejects(readSealedJson(path), {
      name: "IntegrityError",
      message: `${path}: checksum mismatch: the file was changed or damaged after it was written`,
    });
    await Deno.writeTextFile(path, text.slice(0, 40));
    await assert.rejects(readSealedJson(path), {
      name: "IntegrityError",
      message: new RegExp(`^${path}: not valid JSON \\(.*\\): truncated or damaged$`),
    });
    await Deno.writeTextFile(path, "");
    await assert.rejects(readSealedJson(path), { message: `${path}: empty file: truncated or damaged` });
    await Deno.writeTextFile(path, '{"id": "c"}');
    await assert.rejects(readSealedJson(path), { message: /no checksum field/ });
    assert.deepEqual(await readSealedJson(path, { allowUnsealed: true }), { id: "c" });
    assert.equal(await readSealedJson(`${dir}/missing.json`), undefined);
  });

  await t.step("IntegrityError is a CamDmriError: source = the file", () => {
    const e = new IntegrityError("a/m.json", "checksum mismatch");
    assert.ok(e instanceof CamDmriError);
    assert.deepEqual([e.name, e.message, e.file, e.source, e.reason], [
      "IntegrityError",
      "a/m.json: checksum mismatch",
      "a/m.json",
      "a/m.json",
      "checksum mismatch",
    ]);
  });

  await t.step("readJsonIfExists names a truncated file instead of a bare SyntaxError", async () => {
    await Deno.writeTextFile(`${dir}/s.json`, '{"epoch": 3, "loss');
    await assert.rejects(readJsonIfExists(`${dir}/s.json`), {
      name: "IntegrityError",
      message: new RegExp(`^${dir}/s\\.json: not valid JSON`),
    });
  });

  await Deno.remove(dir, { recursive: true });
});
