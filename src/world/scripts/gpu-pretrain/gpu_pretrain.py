#!/usr/bin/env python3
"""Dev-only: the world's contrastive pretraining (ContrastivePretrainer's recipe) in PyTorch, for a
GPU machine that has PyTorch but no DJL. It answers "how far does this architecture get with far
more steps than two CPU cores allow?", and can continue the shipped model.

Same as the Java trainer: the model (make_golden.py's torch.nn reference of calmon's CLIP, conv
stem included), symmetric InfoNCE whose targets spread over pairs with identical captions, the
learnable logit scale (rate x10, clamped at ln 100), AdamW (betas 0.9/0.98, eps 1e-6, decoupled
decay 0.1 on every array whose name has no "embedding"), global gradient-norm clip 1, linear
warm-up then cosine decay to 0, hard-negative runs of `--group` pairs sharing style, background
and colour, the pool's pairs (DumpPretraining.java). Different: the shuffles (numpy, not Java's
SplittableRandom), float rounding (GPU kernels, TF32 off), the test images (rendered to bytes
first) and, with --minutes, the step count is fixed from a timed warm-up.

    python3 gpu_pretrain.py --data DUMP --init MODEL_DIR --out DIR --steps N [--batch 64] ...
"""
import argparse
import json
import math
import os
import shutil
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "clip", "scripts"))
from make_golden import Text, Vision, hf_views, write_safetensors  # noqa: E402

MEAN = (0.48145466, 0.4578275, 0.40821073)
STD = (0.26862954, 0.26130258, 0.27577711)
MAX_LOG_SCALE = math.log(100)
CONTEXT = 32


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        blob = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        assert meta["dtype"] == "F32", f"{name}: only F32 is read here, got {meta['dtype']}"
        a, b = meta["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(blob[a:b], dtype="<f4").copy()).reshape(
            meta["shape"])
    return out


class Clip(torch.nn.Module):
    def __init__(self, config):
        super().__init__()
        self.vc, self.tc = config["vision_config"], config["text_config"]
        self.vision, self.text = Vision(self.vc), Text(self.tc)
        d = config["projection_dim"]
        self.vproj = torch.nn.Parameter(torch.randn(d, self.vc["hidden_size"]) * 0.02)
        self.tproj = torch.nn.Parameter(torch.randn(d, self.tc["hidden_size"]) * 0.02)
        self.log_scale = torch.nn.Parameter(torch.tensor(math.log(1 / 0.07)))
        for m in self.vision.stem:
            if isinstance(m, torch.nn.BatchNorm2d):
                m.reset_parameters()  # make_golden randomises these for its fixture

    def views(self):
        return hf_views(self.vision, self.text, self.vproj, self.tproj, self.log_scale, self.vc)

    def load(self, tensors):
        views = self.views()
        missing = set(views) - set(tensors)
        assert not missing, f"not in the file: {sorted(missing)}"
        with torch.no_grad():
            for name, v in views.items():
                v.copy_(tensors[name].reshape(v.shape))

    def image(self, x):
        return F.normalize(self.vision(x, self.vproj), dim=-1)

    def texts(self, ids):
        return F.normalize(self.text.forward_ids(ids, self.tproj), dim=-1)


def storage_ptr(t):
    return (t.untyped_storage() if hasattr(t, "untyped_storage") else t.storage()).data_ptr()


def named_parameters_hf(model):
    """HF name of every trainable parameter (the Java trainer's names decide weight decay); q, k
    and v share nn.MultiheadAttention's in_proj, which takes the name of its first slice."""
    views = model.views()
    names = {}
    for p in model.parameters():
        ptr = storage_ptr(p)
        names[p] = next(n for n, v in views.items() if storage_ptr(v) == ptr)
    return names


def tokenize(tokenizer_path, captions, context):
    """As ClipTokenizer + PairPool.cut: lowercase, whitespace pre-tokenizer, <start> ... <end>,
    padded with 0; a caption longer than the context keeps its end token last."""
    vocab = json.load(open(tokenizer_path))["model"]["vocab"]
    import re
    start, end, unk = vocab["<start>"], vocab["<end>"], vocab.get("<unk>", 0)
    rows = np.zeros((len(captions), context), dtype=np.int64)
    for i, c in enumerate(captions):
        ids = [start] + [vocab.get(w, unk) for w in re.findall(r"\w+|[^\w\s]+", c.lower())] + [end]
        if len(ids) > context:
            ids = ids[:context - 1] + [end]
        rows[i, :len(ids)] = ids
    return rows


class GroupedBatches:
    def __init__(self, keys, group, rng):
        order = np.argsort(keys, kind="stable")
        ks = keys[order]
        cuts = np.flatnonzero(np.diff(ks)) + 1
        self.members = np.split(order, cuts)
        self.group, self.rng, self.order, self.cursor = group, rng, np.zeros(0, np.int64), 0

    def epoch(self):
        runs = []
        for m in self.members:
            m = self.rng.permutation(m)
            k = len(m) // self.group
            if k:
                runs.append(m[:k * self.group].reshape(k, self.group))
        runs = np.concatenate(runs)
        return runs[self.rng.permutation(len(runs))].reshape(-1)

    def next(self, n):
        out = []
        while n:
            if self.cursor == len(self.order):
                self.order, self.cursor = self.epoch(), 0
            take = min(n, len(self.order) - self.cursor)
            out.append(self.order[self.cursor:self.cursor + take])
            self.cursor += take
            n -= take
        return np.concatenate(out)


def normalise(u8, mean, std):
    return (u8.float() / 255 - mean) / std


def ece(conf, correct, bins=15):
    total = 0.0
    edges = np.linspace(0, 1, bins + 1)
    for i in range(bins):
        lo, hi = edges[i], edges[i + 1]
        sel = (conf > lo) & (conf <= hi) if i else (conf >= lo) & (conf <= hi)
        if sel.any():
            total += sel.sum() / len(conf) * abs(correct[sel].mean() - conf[sel].mean())
    return total


@torch.no_grad()
def evaluate(model, groups, device, mean, std):
    was = model.training
    model.eval()
    scale = model.log_scale.exp().item()
    out = {}
    for g in groups:
        txt = model.texts(g["prompts"])
        feats = torch.cat([model.image(normalise(x, mean, std))
                           for x in torch.split(g["images"], 1000)])
        probs = (scale * feats @ txt.t()).softmax(-1)
        conf, pred = probs.max(-1)
        conf, pred = conf.cpu().numpy(), pred.cpu().numpy()
        truth = g["labels"]
        right = pred == truth
        cl = g["classes"]
        out[g["name"]] = {
            "accuracy": float(right.mean()), "ece": float(ece(conf, right.astype(float))),
            "colour_right": float(np.mean([cl[p][0] == cl[t][0] for p, t in zip(pred, truth)])),
            "shape_right": float(np.mean([cl[p][1] == cl[t][1] for p, t in zip(pred, truth)])),
        }
    model.train(was)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--init", required=True, help="model dir (config, tokenizer, weights)")
    ap.add_argument("--scratch", action="store_true", help="the init's architecture, random weights")
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=0)
    ap.add_argument("--minutes", type=float, default=0, help="fix --steps from a timed warm-up")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--group", type=int, default=8)
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--warmup", type=int, default=50)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--evals", type=int, default=10, help="zero-shot evaluations along the run")
    ap.add_argument("--pool", type=int, default=0, help="use the first N pairs (0: all)")
    ap.add_argument("--label", default="run")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    log = lambda s: print(f"[{a.label}] {s}", flush=True)  # noqa: E731

    config = json.load(open(os.path.join(a.init, "config.json")))
    tok = os.path.join(a.init, "tokenizer.json")
    model = Clip(config)
    if not a.scratch:
        model.load(read_safetensors(os.path.join(a.init, "model.safetensors")))
    model.to(dev).train()
    size = config["vision_config"]["image_size"]

    t0 = time.time()
    caps = open(os.path.join(a.data, "pool_captions.txt")).read().split("\n")[:-1]
    n = a.pool or len(caps)
    caps = caps[:n]
    ids_np = tokenize(tok, caps, CONTEXT)
    images = torch.from_numpy(np.fromfile(os.path.join(a.data, "pool_images.u8"), dtype=np.uint8,
                                          count=n * 3 * size * size)).reshape(n, 3, size, size)
    keys = np.fromfile(os.path.join(a.data, "pool_looks.i32"), dtype="<i4", count=n)
    images, ids = images.to(dev), torch.from_numpy(ids_np).to(dev)
    mean = torch.tensor(MEAN, device=dev).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=dev).view(1, 3, 1, 1)
    groups = []
    for g in ("base", "new", "crossed"):
        lab = np.fromfile(os.path.join(a.data, g + "_labels.i32"), dtype="<i4")
        im = np.fromfile(os.path.join(a.data, g + "_images.u8"), dtype=np.uint8)
        prompts = open(os.path.join(a.data, g + "_prompts.txt")).read().split("\n")[:-1]
        classes = [tuple(c.split()) for c in
                   open(os.path.join(a.data, g + "_classes.txt")).read().split("\n")[:-1]]
        groups.append({"name": g, "labels": lab, "classes": classes,
                       "images": torch.from_numpy(im).reshape(len(lab), 3, size, size).to(dev),
                       "prompts": torch.from_numpy(tokenize(tok, prompts, CONTEXT)).to(dev)})
    log(f"{n} pairs, {sum(len(g['labels']) for g in groups)} test images loaded in "
        f"{time.time() - t0:.1f} s on {dev}")

    names = named_parameters_hf(model)
    decay = [p for p in model.parameters() if p is not model.log_scale
             and "embedding" not in names[p]]
    no_decay = [p for p in model.parameters() if p is not model.log_scale
                and "embedding" in names[p]]
    opt = torch.optim.AdamW([
        {"params": decay, "weight_decay": a.weight_decay, "scale": 1.0},
        {"params": no_decay, "weight_decay": 0.0, "scale": 1.0},
        {"params": [model.log_scale], "weight_decay": 0.0, "scale": 10.0}],
        lr=a.lr, betas=(0.9, 0.98), eps=1e-6, **({"fused": True} if dev.type == "cuda" else {}))
    batches = GroupedBatches(keys, a.group, rng)

    def step(rate):
        idx = torch.from_numpy(batches.next(a.batch)).to(dev)
        x, t = normalise(images[idx], mean, std), ids[idx]
        target = (t[:, None, :] == t[None, :, :]).all(-1).float()
        target = target / target.sum(1, keepdim=True)
        logits = model.image(x) @ model.texts(t).t() * model.log_scale.exp()
        loss = -(target * logits.log_softmax(1)).sum() - (target * logits.log_softmax(0)).sum()
        loss = loss / (2 * a.batch)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        if not torch.isfinite(norm):
            return loss, None
        for g in opt.param_groups:
            g["lr"] = rate * g["scale"]
        opt.step()
        with torch.no_grad():
            model.log_scale.clamp_(max=MAX_LOG_SCALE)
        return loss, logits

    steps = a.steps
    if a.minutes:
        # Timed warm-up at the peak rate's first warm-up value; kept (it is training).
        torch.cuda.synchronize() if dev.type == "cuda" else None
        w0 = time.time()
        for i in range(30):
            step(a.lr * (i + 1) / max(a.warmup, 1) if i < a.warmup else a.lr)
        torch.cuda.synchronize() if dev.type == "cuda" else None
        per = (time.time() - w0) / 30
        evals_cost = 3.0 * a.evals
        steps = max(100, int((a.minutes * 60 - evals_cost) / per))
        log(f"{per * 1000:.1f} ms a step: {steps} steps fit {a.minutes} min")
        done = 30
    else:
        done = 0
    schedule = lambda s: (a.lr * (s + 1) / a.warmup if s < a.warmup else  # noqa: E731
                          0.5 * a.lr * (1 + math.cos(math.pi * min(1.0, (s - a.warmup) /
                                                                   max(1, steps - a.warmup - 1)))))
    curve = [{"step": 0, **evaluate(model, groups, dev, mean, std)}]
    log("step 0: " + summary(curve[-1]))
    every = max(1, steps // a.evals)
    t1 = time.time()
    deadline = t1 + 1.25 * a.minutes * 60 if a.minutes else float("inf")
    for s in range(done, steps):
        if time.time() > deadline:  # the warm-up's timing was wrong (e.g. a busier GPU)
            log(f"deadline: stopped after step {s} of {steps}, before the schedule's end")
            curve.append({"step": s, **evaluate(model, groups, dev, mean, std)})
            log(f"step {s}: " + summary(curve[-1]))
            break
        loss, logits = step(schedule(s))
        if (s + 1) % max(1, steps // 40) == 0:
            acc = (logits.argmax(1) == torch.arange(a.batch, device=dev)).float().mean().item() \
                if logits is not None else float("nan")
            log(f"step {s + 1}/{steps} loss {loss.item():.4f} in-batch acc {acc:.3f} "
                f"scale {model.log_scale.exp().item():.1f} {time.time() - t1:.0f}s")
        if (s + 1) % every == 0 or s + 1 == steps:
            curve.append({"step": s + 1, **evaluate(model, groups, dev, mean, std)})
            log(f"step {s + 1}: " + summary(curve[-1]))
    os.makedirs(a.out, exist_ok=True)
    model.cpu()
    tensors = {k: v.detach().clone().contiguous() for k, v in model.views().items()}
    write_safetensors(os.path.join(a.out, "model.safetensors"), tensors)
    shutil.copy(os.path.join(a.init, "config.json"), a.out)
    shutil.copy(tok, a.out)
    json.dump({"args": vars(a), "steps": steps, "pairs": n, "wall_seconds": time.time() - t0,
               "logit_scale": math.exp(model.log_scale.item()), "curve": curve,
               "device": torch.cuda.get_device_name() if dev.type == "cuda" else "cpu"},
              open(os.path.join(a.out, "gpu_pretrain.json"), "w"), indent=1)
    log(f"saved {a.out} after {time.time() - t0:.0f} s")


def summary(r):
    return "  ".join(f"{g} {100 * r[g]['accuracy']:.1f}% ece {100 * r[g]['ece']:.1f} "
                     f"shape {100 * r[g]['shape_right']:.0f}%" for g in ("base", "new", "crossed"))


if __name__ == "__main__":
    main()
