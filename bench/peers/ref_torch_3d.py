#!/usr/bin/python3
"""W3D: a small 3-D GAP CNN in PyTorch on CPU (peer reference for bench/3d_bench.ts).

Input 48x48x48x1, batch 4, 2 classes: conv 3x3x3 16 + ReLU, max pool 2, conv 3x3x3 32 + ReLU, max pool 2,
conv 3x3x3 64 + ReLU (the CAM layer, a 12^3 grid), global average pooling, dense 2; Adam 1e-3, cross-entropy.
Prints train samples/s (after 1 warm-up step) and forward samples/s (no grad, after 1 warm-up batch).
"""
import argparse, json, time
import torch, torch.nn as nn, torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--threads", type=int, default=2)
p.add_argument("--size", type=int, default=48)
p.add_argument("--batch", type=int, default=4)
p.add_argument("--batches", type=int, default=5, help="timed batches")
p.add_argument("--channels-last", action="store_true", help="NDHWC memory (torch.channels_last_3d), as ours")
a = p.parse_args()
torch.set_num_threads(a.threads); torch.manual_seed(0)
S, B, N = a.size, a.batch, a.batches


class Gap3d(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv3d(1, 16, 3, padding=1); s.c2 = nn.Conv3d(16, 32, 3, padding=1)
        s.c3 = nn.Conv3d(32, 64, 3, padding=1); s.fc = nn.Linear(64, 2)

    def forward(s, x):
        x = F.max_pool3d(F.relu(s.c1(x)), 2)
        x = F.max_pool3d(F.relu(s.c2(x)), 2)
        return s.fc(F.relu(s.c3(x)).mean((2, 3, 4)))


m = Gap3d()
x = torch.randn(B, 1, S, S, S); y = torch.randint(0, 2, (B,))
if a.channels_last:
    m = m.to(memory_format=torch.channels_last_3d); x = x.to(memory_format=torch.channels_last_3d)
opt = torch.optim.Adam(m.parameters(), 1e-3)


def step():
    opt.zero_grad(); loss = F.cross_entropy(m(x), y); loss.backward(); opt.step()


common = {"workload": "W3D", "tool": "torch " + torch.__version__ + (" channels_last_3d" if a.channels_last else ""), "model": "gap3d-16-32-64", "size": S, "batch": B,
          "threads": a.threads}
step()
t = time.perf_counter()
for _ in range(N): step()
dt = time.perf_counter() - t
print(json.dumps({**common, "value": round(B * N / dt, 3), "unit": "train samples/s"}), flush=True)

m.eval()
with torch.no_grad():
    m(x)
    t = time.perf_counter()
    for _ in range(N): m(x)
    dt = time.perf_counter() - t
print(json.dumps({**common, "value": round(B * N / dt, 3), "unit": "forward samples/s"}), flush=True)
