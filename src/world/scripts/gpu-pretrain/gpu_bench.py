#!/usr/bin/env python3
"""Dev-only: the GPU anchor for `./calmon bench clip`. Images/s of the same image-encoder shapes
(make_golden.py's torch.nn reference, random weights) in PyTorch on a GPU, each row next to the
bound measured in the same run: the same matmul as the Java bench ([2048 x 768] x [768 x 3072],
ViT-B's MLP), timed in the row's precision right before it, divided by the same FLOP count as
ImageEncoder.flopsPerImage. Prints a markdown table.

    python3 gpu_bench.py
"""
import math
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..",
                                "clip", "scripts"))
from make_golden import Vision  # noqa: E402


def config(width, layers, heads, mlp, image, patch, stem=()):
    return {"hidden_size": width, "intermediate_size": mlp, "num_attention_heads": heads,
            "num_hidden_layers": layers, "image_size": image, "patch_size": patch,
            "num_channels": 3, "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5,
            "conv_stem_channels": list(stem)}


MODELS = {
    "ViT-B/32": (config(768, 12, 12, 3072, 224, 32), 512),
    "ViT-B/16": (config(768, 12, 12, 3072, 224, 16), 512),
    "world small-stem": (config(128, 4, 4, 512, 32, 8, (32, 64, 128)), 128),
}


def flops_per_image(c, proj):
    """ImageEncoder.flopsPerImage: 2 x multiply-adds of stem, patch embedding, layers, projection."""
    stem = c["conv_stem_channels"]
    kernel = c["patch_size"] >> len(stem)
    patches = (c["image_size"] // c["patch_size"]) ** 2
    t, w, m = patches + 1, c["hidden_size"], c["intermediate_size"]
    in_ch = stem[-1] if stem else 3
    macs = patches * in_ch * kernel * kernel * w
    macs += c["num_hidden_layers"] * (4 * t * w * w + 2 * t * t * w + 2 * t * w * m)
    side, ch = c["image_size"], 3
    for out in stem:
        side = math.ceil(side / 2)
        macs += side * side * out * ch * 9
        ch = out
    return 2 * (macs + w * proj)


def timed(fn, repeats):
    fn()
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        best = min(best, time.perf_counter() - t)
    return best


def matmul_flops(dtype):
    a = torch.randn(2048, 768, device="cuda", dtype=dtype)
    b = torch.randn(768, 3072, device="cuda", dtype=dtype)
    def run():
        for _ in range(50):
            a @ b
    return 50 * 2 * 2048 * 768 * 3072 / timed(run, 5)


def main():
    dev = torch.cuda.get_device_name()
    print(f"device: {dev}; torch {torch.__version__}")
    print("| model | precision | batch | images/s | GFLOP/image | matmul TFLOP/s (same precision,"
          " just before) | bound images/s | of bound |")
    print("|---|---|---|---|---|---|---|---|")
    for precision in ("fp32", "tf32", "bf16"):
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
        torch.backends.cudnn.allow_tf32 = precision == "tf32"
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        for name, (c, proj) in MODELS.items():
            torch.manual_seed(0)
            vis = Vision(c).cuda().eval().to(dtype)
            p = torch.randn(proj, c["hidden_size"], device="cuda", dtype=dtype)
            gflop = flops_per_image(c, proj) / 1e9
            for batch in (1, 8, 32, 256):
                x = torch.randn(batch, 3, c["image_size"], c["image_size"], device="cuda",
                                dtype=dtype)
                bound = matmul_flops(dtype)
                with torch.inference_mode():
                    reps = 20 if batch < 256 else 5
                    seconds = timed(lambda: vis(x, p), reps)
                ips = batch / seconds
                bound_ips = bound / (gflop * 1e9)
                print(f"| {name} | {precision} | {batch} | {ips:,.0f} | {gflop:.3f} | "
                      f"{bound / 1e12:.1f} | {bound_ips:,.0f} | {100 * ips / bound_ips:.0f}% |",
                      flush=True)
            del vis


if __name__ == "__main__":
    main()
