// Steps the "cohort" and "volume" cells share when they score a trained model: subject-level accuracy by
// majority vote, the union of a subject's truth masks, and the group-average CAM volumes.
import { readNifti, type Volume, volumeFrom, writeNifti } from "../nifti/mod.ts";

/**
 * Subject-level accuracy by majority vote over each test subject's slices: `subjects` voted, `right` of them
 * whose most-predicted class (the first on a tie) is their label.
 */
export function subjectVotes(
  samples: readonly { subject?: string | number; label: number }[],
  testIndices: readonly number[],
  predictions: ArrayLike<number>,
  numClasses: number,
): { subjects: number; right: number } {
  const votes = new Map<string, { label: number; counts: number[] }>();
  testIndices.forEach((idx, k) => {
    const s = samples[idx];
    const v = votes.get(String(s.subject)) ?? { label: s.label, counts: new Array(numClasses).fill(0) };
    v.counts[predictions[k]]++;
    votes.set(String(s.subject), v);
  });
  let right = 0;
  for (const v of votes.values()) if (v.counts.indexOf(Math.max(...v.counts)) === v.label) right++;
  return { subjects: votes.size, right };
}

/** 1 where any of the masks is > 0, else 0. */
export function unionMask(masks: Volume[]): Uint8Array {
  const out = new Uint8Array(masks[0].data.length);
  for (const m of masks) for (let i = 0; i < out.length; i++) if (Number(m.data[i]) > 0) out[i] = 1;
  return out;
}

/** The union of a subject's truth masks (every truth file but fa, md and brain_mask), or null if it has none. */
export async function subjectTruth(subject: { truth?: Record<string, string> }): Promise<Uint8Array | null> {
  const truthPaths = Object.entries(subject.truth ?? {}).filter(([name]) =>
    !["fa", "md", "brain_mask"].includes(name)
  );
  return truthPaths.length ? unionMask(await Promise.all(truthPaths.map(([, p]) => readNifti(p)))) : null;
}

/** Summed CAM volumes per `group|method` key, with the volume whose grid they share. */
export type GroupSums = Map<string, { sum: Float32Array; n: number; ref: Volume }>;

/** Writes each group's mean map, sum / n, as `<dir>/group_<group>_<method>.nii.gz` in its reference's grid. */
export async function writeGroupMeans(groups: GroupSums, dir: string): Promise<void> {
  for (const [key, g] of groups) {
    const [group, method] = key.split("|");
    const mean = g.sum.map((v) => v / Math.max(1, g.n));
    await writeNifti(
      volumeFrom(mean, g.ref.shape.slice(0, 3), { affine: g.ref.affine, pixdim: g.ref.pixdim }),
      `${dir}/group_${group}_${method}.nii.gz`,
    );
  }
}
