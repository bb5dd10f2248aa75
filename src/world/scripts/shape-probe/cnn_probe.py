"""Dev-only reference for ShapeProbe.java: the same supervised shape task for a small CNN (or, slowly,
the ViT) in Debian's python3-torch. Its BLAS is generic (about 5 GFLOP/s on one core), so only the
CNN, whose convolutions go through MKL-DNN, runs at a useful speed.

    /usr/bin/python3 src/world/scripts/shape-probe/cnn_probe.py DATA 0 3000 cnn 1e-3 shape 1
"""
import sys, time, math, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
torch.manual_seed(0)
name, patch, steps, arch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lr = float(sys.argv[5]) if len(sys.argv) > 5 else 1e-3
target = sys.argv[6] if len(sys.argv) > 6 else "shape"
torch.set_num_threads(int(sys.argv[7]) if len(sys.argv) > 7 else 1)
raw = np.fromfile(f"{name}.u8", dtype=np.uint8)
n = raw.size // 3072
X = torch.from_numpy(raw.reshape(n, 3, 32, 32))
col = {"shape": 0, "colour": 1, "style": 2}[target]
Y = torch.tensor([int(l.split("\t")[col]) for l in open(f"{name}.tsv")][:n])
ncls = int(Y.max()) + 1
mean = torch.tensor([0.4815, 0.4578, 0.4082]).view(1,3,1,1); std = torch.tensor([0.2686, 0.2613, 0.2758]).view(1,3,1,1)
def prep(x): return (x.float() / 255 - mean) / std
ntest = 5000
Xtr, Ytr, Xte, Yte = X[ntest:], Y[ntest:], X[:ntest], Y[:ntest]
class QuickGelu(nn.Module):
    def forward(self, x): return x * torch.sigmoid(1.702 * x)
class Block(nn.Module):
    def __init__(s, w, h):
        super().__init__(); s.ln1 = nn.LayerNorm(w); s.attn = nn.MultiheadAttention(w, h, batch_first=True); s.ln2 = nn.LayerNorm(w)
        s.mlp = nn.Sequential(nn.Linear(w, 4*w), QuickGelu(), nn.Linear(4*w, w))
    def forward(s, x):
        y = s.ln1(x); x = x + s.attn(y, y, y, need_weights=False)[0]; return x + s.mlp(s.ln2(x))
class ViT(nn.Module):
    def __init__(s, patch, w=128, L=4, h=4):
        super().__init__(); s.pe = nn.Conv2d(3, w, patch, patch, bias=False); t = (32 // patch) ** 2
        s.cls = nn.Parameter(torch.randn(w) * w ** -0.5); s.pos = nn.Parameter(torch.randn(t + 1, w) * 0.02)
        s.pre = nn.LayerNorm(w); s.blocks = nn.Sequential(*[Block(w, h) for _ in range(L)]); s.post = nn.LayerNorm(w); s.head = nn.Linear(w, ncls)
    def forward(s, x):
        x = s.pe(x).flatten(2).transpose(1, 2); x = torch.cat([s.cls.expand(x.shape[0], 1, -1), x], 1) + s.pos
        x = s.blocks(s.pre(x)); return s.head(s.post(x[:, 0]))
def cnn():
    c = lambda i, o: [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU()]
    return nn.Sequential(*c(3, 32), *c(32, 32), nn.MaxPool2d(2), *c(32, 64), *c(64, 64), nn.MaxPool2d(2), *c(64, 128), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, ncls))
m = ViT(patch) if arch == "vit" else cnn()
print(arch, patch, sum(p.numel() for p in m.parameters()), "params", n, "images", ncls, "classes", flush=True)
opt = torch.optim.AdamW(m.parameters(), lr=lr, weight_decay=0.05)
B = 64; warm = 100
g = torch.Generator().manual_seed(1)
t0 = time.time()
def evaluate():
    m.eval(); c = 0
    with torch.no_grad():
        for i in range(0, ntest, 500): c += (m(prep(Xte[i:i+500])).argmax(1) == Yte[i:i+500]).sum().item()
    m.train(); return c / ntest
for step in range(1, steps + 1):
    for gr in opt.param_groups: gr["lr"] = lr * min(1, step / warm) * 0.5 * (1 + math.cos(math.pi * step / steps))
    idx = torch.randint(0, Xtr.shape[0], (B,), generator=g)
    loss = F.cross_entropy(m(prep(Xtr[idx])), Ytr[idx])
    opt.zero_grad(); loss.backward(); opt.step()
    if step % 250 == 0 or step == steps:
        print(f"step {step} loss {loss.item():.3f} test acc {evaluate():.3f} ({time.time()-t0:.0f}s, {(time.time()-t0)/step:.3f}s/step)", flush=True)
