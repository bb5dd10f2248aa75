#!/usr/bin/env python3
"""Dev-only diagnostic: can anything fit the few-shot training set of a world task, and what?

CoOp fits only ~91% of its own 16-shot training images on the shipped world model (docs/WORLD.md),
while the paper's mechanism needs a prompt that overfits them. This script separates the two
possible limits, on the same features the Java harness uses (make_golden.py's torch.nn replica of
calmon's CLIP, loading the model directory's safetensors):

  zero-shot     the hand-written template ("a photo of a {}.")
  probe         free class weights on the frozen image features (a linear probe, cosine logits at
                the model's scale): what the image features allow
  coop          one shared learned context of M vectors through the frozen text tower (CoOp)
  csc           a learned context per class (CoOp's class-specific variant)
  cvprobe       the probe fitted 4 times, each on 3/4 of the shots, judged on the other quarter:
                which shots nothing learned from the *other* shots of their class gets right

and prints each one's accuracy on the training shots and on the base test images; with cvprobe
among the methods, also how many of each method's misfit shots the cross-validated probe gets
wrong too (shots a shared context could only fit by memorising them).

    /usr/bin/python3 src/world/scripts/fit_probe.py --model src/world/model --task /tmp/task1

Needs PyTorch (Debian's python3-torch) and PIL; never part of the build. The first `--shots`
training images of each base class are used (all of them in a `world export --shots 16` task).
"""
import argparse
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpu-pretrain"))
from gpu_pretrain import CONTEXT, MEAN, STD, Clip, read_safetensors, tokenize  # noqa: E402


def load_images(root, rows):
    arr = np.stack([np.asarray(Image.open(os.path.join(root, p)).convert("RGB")) for p in rows])
    x = torch.from_numpy(arr).permute(0, 3, 1, 2).float() / 255
    mean, std = torch.tensor(MEAN).view(1, 3, 1, 1), torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def accuracy(logits, labels):
    return (logits.argmax(-1) == labels).float().mean().item()


class Prompts(torch.nn.Module):
    """The template's tokens with the M words after <start> replaced by learned vectors."""

    def __init__(self, model, ids, n_ctx, per_class):
        super().__init__()
        self.model, self.ids, self.n_ctx = model, ids, n_ctx
        with torch.no_grad():
            init = model.text.token_embedding(ids[0, 1:1 + n_ctx]).clone()
        shape = (ids.shape[0], 1, 1) if per_class else (1, 1, 1)
        self.ctx = torch.nn.Parameter(init.unsqueeze(0).repeat(*shape))

    def forward(self):
        emb = self.model.text.token_embedding(self.ids)
        ctx = self.ctx.expand(self.ids.shape[0], -1, -1)
        emb = torch.cat([emb[:, :1], ctx, emb[:, 1 + self.n_ctx:]], dim=1)
        out = self.model.text.forward_embeddings(emb, self.ids.argmax(-1), self.model.tproj)
        return F.normalize(out, dim=-1)


def fit(name, params, logits_fn, labels, steps, lr, log_every):
    opt = torch.optim.Adam(params, lr=lr)
    for step in range(1, steps + 1):
        loss = F.cross_entropy(logits_fn(), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % log_every == 0 or step == steps:
            with torch.no_grad():
                acc = accuracy(logits_fn(), labels)
            print(f"  {name} step {step}/{steps}: train CE {loss.item():.4f} acc {100 * acc:.2f}%",
                  flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--task", required=True)
    ap.add_argument("--shots", type=int, default=16)
    ap.add_argument("--n-ctx", type=int, default=4)
    ap.add_argument("--steps", type=int, default=1500, help="full-batch Adam steps per method")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--methods", default="probe,coop,csc")
    args = ap.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)  # two cores shared with other work: spinning OpenMP threads stall

    config = json.load(open(os.path.join(args.model, "config.json")))
    model = Clip(config)
    model.load(read_safetensors(os.path.join(args.model, "model.safetensors")))
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    scale = model.log_scale.exp().item()

    task = json.load(open(os.path.join(args.task, "task.json")))
    split = json.load(open(os.path.join(args.task, "split_zhou_World.json")))
    root = os.path.join(args.task, task.get("image_root", "images"))
    base = task["base_classes"]
    train = [r for r in split["train"] if r[1] < len(base)]
    train = [r for c in range(len(base)) for r in [t for t in train if t[1] == c][:args.shots]]
    test = [r for r in split["test"] if r[1] < len(base)]
    y_train = torch.tensor([r[1] for r in train])
    y_test = torch.tensor([r[1] for r in test])
    with torch.no_grad():
        f_train = model.image(load_images(root, [r[0] for r in train]))
        f_test = torch.cat([model.image(x) for x in
                            torch.split(load_images(root, [r[0] for r in test]), 500)])
    template = task["template"]
    ids = torch.from_numpy(tokenize(os.path.join(args.model, "tokenizer.json"),
                                    [template.format(c) for c in base], CONTEXT))
    with torch.no_grad():
        text0 = model.texts(ids)
    print(f"{len(base)} base classes, {len(train)} training shots, {len(test)} test images,"
          f" logit scale {scale:.2f}")
    print(f"zero-shot: train {100 * accuracy(scale * f_train @ text0.t(), y_train):.2f}%"
          f" test {100 * accuracy(scale * f_test @ text0.t(), y_test):.2f}%", flush=True)

    wrong = {"zeroshot": set(torch.nonzero(
        (scale * f_train @ text0.t()).argmax(-1) != y_train).flatten().tolist())}
    for method in args.methods.split(","):
        if method == "cvprobe":
            fold = torch.arange(len(train)) % 4
            out = torch.zeros(len(train), dtype=torch.long)
            for k in range(4):
                fit_rows, held = fold != k, fold == k
                w = torch.nn.Parameter(text0.clone())
                f_fit = f_train[fit_rows]
                fit(f"cvprobe fold {k}", [w], lambda: scale * f_fit @ F.normalize(w, dim=-1).t(),
                    y_train[fit_rows], args.steps, args.lr, args.steps)
                with torch.no_grad():
                    out[held] = (f_train[held] @ F.normalize(w, dim=-1).t()).argmax(-1)
            wrong[method] = set(torch.nonzero(out != y_train).flatten().tolist())
            print(f"cvprobe: held-out shots right {100 * (out == y_train).float().mean():.2f}%",
                  flush=True)
            continue
        if method == "probe":
            w = torch.nn.Parameter(text0.clone())
            weights = lambda: F.normalize(w, dim=-1)  # noqa: E731
            params = [w]
        elif method in ("coop", "csc"):
            prompts = Prompts(model, ids, args.n_ctx, per_class=method == "csc")
            weights = prompts
            params = [prompts.ctx]
        else:
            raise SystemExit(f"unknown method {method}")
        fit(method, params, lambda: scale * f_train @ weights().t(), y_train, args.steps, args.lr,
            max(1, args.steps // 5))
        with torch.no_grad():
            final = weights()
        print(f"{method}: train {100 * accuracy(scale * f_train @ final.t(), y_train):.2f}%"
              f" test {100 * accuracy(scale * f_test @ final.t(), y_test):.2f}%", flush=True)
        wrong[method] = set(torch.nonzero(
            (f_train @ final.t()).argmax(-1) != y_train).flatten().tolist())
    if "cvprobe" in wrong:
        cv = wrong["cvprobe"]
        for method, w in wrong.items():
            if method != "cvprobe":
                print(f"{method}: {len(w)} misfit shots, {len(w & cv)} of them also wrong for the"
                      f" cross-validated probe ({len(cv)} wrong there)")


if __name__ == "__main__":
    main()
