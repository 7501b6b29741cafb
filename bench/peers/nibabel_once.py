#!/usr/bin/python3
"""W1 (realistic): nibabel reads one large .nii.gz once, in this fresh process, into scaled float32.

Usage: nibabel_once.py FILE    prints one JSON line (MB/s of decoded float32, peak RSS).
"""
import json, os, resource, sys, time
import numpy as np, nibabel as nib

path = sys.argv[1]
t = time.perf_counter()
a = nib.load(path).get_fdata(dtype=np.float32)
dt = time.perf_counter() - t
print(json.dumps({"workload": "W1", "tool": "nibabel " + nib.__version__, "file": "large:" + os.path.basename(path),
                  "value": round(a.nbytes / dt / 1e6, 2), "unit": "MB/s", "seconds": round(dt, 3),
                  "peakRssMB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
