#!/usr/bin/python3
"""Regenerates the golden CLIP fixture under src/clip/src/test/resources/golden/.

Dev-only. Needs Debian's python3-torch (torch 1.13) and nothing else: safetensors and the
tokenizer.json are written by hand. The reference forward is built from torch.nn built-ins
(nn.MultiheadAttention with a causal attn_mask, nn.LayerNorm, nn.Conv2d) in OpenAI's layout,
independent of the Java code; weights are then exported under Hugging Face CLIPModel names.

    /usr/bin/python3 src/clip/scripts/make_golden.py
"""
import copy
import json
import math
import os
import struct

import torch
import torch.nn as nn

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "golden")

WORDS = ("a photo of the cat dog bird car ship plane tree house flower fish apple "
         "small large red blue green picture drawing painting sketch photograph X . , "
         "one two three big little bright dark old new good bad close-up cropped").split()


def vocabulary():
    vocab = {"<unk>": 0}
    for w in WORDS:
        vocab[w] = len(vocab)
    vocab["<start>"] = len(vocab)
    vocab["<end>"] = len(vocab)  # the highest id: CLIP pools the text feature here
    return vocab


def tokenizer_json(vocab):
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": vocab[t], "content": t, "single_word": False, "lstrip": False,
             "rstrip": False, "normalized": False, "special": True}
            for t in ("<unk>", "<start>", "<end>")
        ],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "WhitespaceSplit"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<start>", "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "<end>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<start>", "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": "<end>", "type_id": 0}}],
            "special_tokens": {
                "<start>": {"id": "<start>", "ids": [vocab["<start>"]], "tokens": ["<start>"]},
                "<end>": {"id": "<end>", "ids": [vocab["<end>"]], "tokens": ["<end>"]},
            },
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "<unk>"},
    }


def quick_gelu(x):
    return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    def __init__(self, width, heads, mlp, act):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width, eps=1e-5)
        self.attn = nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln_2 = nn.LayerNorm(width, eps=1e-5)
        self.c_fc = nn.Linear(width, mlp)
        self.c_proj = nn.Linear(mlp, width)
        self.act = quick_gelu if act == "quick_gelu" else nn.functional.gelu

    def forward(self, x, mask):
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.c_proj(self.act(self.c_fc(self.ln_2(x))))


class Vision(nn.Module):
    def __init__(self, c):
        super().__init__()
        w, p = c["hidden_size"], c["patch_size"]
        n = (c["image_size"] // p) ** 2 + 1
        # calmon's convolutional stem: 3x3 stride-2 convolutions without bias, each followed by
        # BatchNorm (inference: running statistics, made non-trivial here) and ReLU.
        stem, channels = [], 3
        for out in c.get("conv_stem_channels", []):
            bn = nn.BatchNorm2d(out, eps=1e-5)
            with torch.no_grad():
                bn.weight.copy_(torch.rand(out) + 0.5)
                bn.running_mean.copy_(torch.randn(out) * 0.3)
                bn.running_var.copy_(torch.rand(out) + 0.5)
            stem += [nn.Conv2d(channels, out, kernel_size=3, stride=2, padding=1, bias=False), bn,
                     nn.ReLU()]
            channels = out
        self.stem = nn.Sequential(*stem)
        k = p >> (len(stem) // 3)
        self.conv1 = nn.Conv2d(channels, w, kernel_size=k, stride=k, bias=False)
        self.class_embedding = nn.Parameter(torch.randn(w))
        self.positional_embedding = nn.Parameter(torch.randn(n, w) * 0.5)
        self.ln_pre = nn.LayerNorm(w)
        self.blocks = nn.ModuleList(Block(w, c["num_attention_heads"], c["intermediate_size"],
                                          c["hidden_act"]) for _ in range(c["num_hidden_layers"]))
        self.ln_post = nn.LayerNorm(w)

    def forward(self, pixels, proj):
        x = self.conv1(self.stem(pixels)).flatten(2).transpose(1, 2)  # [B, patches, W]
        cls = self.class_embedding.expand(x.shape[0], 1, -1)
        x = torch.cat([cls, x], dim=1) + self.positional_embedding
        x = self.ln_pre(x)
        for b in self.blocks:
            x = b(x, None)
        return self.ln_post(x[:, 0]) @ proj.t()


class Text(nn.Module):
    def __init__(self, c):
        super().__init__()
        w = c["hidden_size"]
        self.token_embedding = nn.Embedding(c["vocab_size"], w)
        self.positional_embedding = nn.Parameter(torch.randn(c["max_position_embeddings"], w) * 0.5)
        self.blocks = nn.ModuleList(Block(w, c["num_attention_heads"], c["intermediate_size"],
                                          c["hidden_act"]) for _ in range(c["num_hidden_layers"]))
        self.ln_final = nn.LayerNorm(w)

    def forward_embeddings(self, emb, eot, proj):
        t = emb.shape[1]
        mask = torch.full((t, t), float("-inf"), device=emb.device).triu(1)  # causal: no look ahead
        x = emb + self.positional_embedding[:t]
        for b in self.blocks:
            x = b(x, mask)
        x = self.ln_final(x)
        return x[torch.arange(x.shape[0], device=x.device), eot] @ proj.t()

    def forward_ids(self, ids, proj):
        return self.forward_embeddings(self.token_embedding(ids), ids.argmax(dim=-1), proj)


def randomise(module):
    # Non-trivial LayerNorm and bias values so a wrongly mapped tensor cannot hide.
    for name, p in module.named_parameters():
        with torch.no_grad():
            if name.endswith("bias") or ".ln" in name or name.startswith("ln"):
                p.copy_(torch.randn_like(p) * 0.2 + (1.0 if name.endswith("weight") else 0.0))


def hf_block(prefix, b, w):
    q, k, v = b.attn.in_proj_weight.split(w)
    qb, kb, vb = b.attn.in_proj_bias.split(w)
    return {
        f"{prefix}.layer_norm1.weight": b.ln_1.weight, f"{prefix}.layer_norm1.bias": b.ln_1.bias,
        f"{prefix}.self_attn.q_proj.weight": q, f"{prefix}.self_attn.q_proj.bias": qb,
        f"{prefix}.self_attn.k_proj.weight": k, f"{prefix}.self_attn.k_proj.bias": kb,
        f"{prefix}.self_attn.v_proj.weight": v, f"{prefix}.self_attn.v_proj.bias": vb,
        f"{prefix}.self_attn.out_proj.weight": b.attn.out_proj.weight,
        f"{prefix}.self_attn.out_proj.bias": b.attn.out_proj.bias,
        f"{prefix}.layer_norm2.weight": b.ln_2.weight, f"{prefix}.layer_norm2.bias": b.ln_2.bias,
        f"{prefix}.mlp.fc1.weight": b.c_fc.weight, f"{prefix}.mlp.fc1.bias": b.c_fc.bias,
        f"{prefix}.mlp.fc2.weight": b.c_proj.weight, f"{prefix}.mlp.fc2.bias": b.c_proj.bias,
    }


def hf_tensors(vis, txt, vproj, tproj, logit_scale, vc, tc):
    views = hf_views(vis, txt, vproj, tproj, logit_scale, vc)
    return {k: v.detach().clone().contiguous() for k, v in views.items()}


def hf_views(vis, txt, vproj, tproj, logit_scale, vc):
    """Every tensor under its Hugging Face name, as a view of the module's own storage (copy_ into
    one to load it; q, k and v are slices of nn.MultiheadAttention's in_proj)."""
    t = {
        "vision_model.embeddings.patch_embedding.weight": vis.conv1.weight,
        "vision_model.embeddings.class_embedding": vis.class_embedding,
        "vision_model.embeddings.position_embedding.weight": vis.positional_embedding,
        "vision_model.pre_layrnorm.weight": vis.ln_pre.weight,
        "vision_model.pre_layrnorm.bias": vis.ln_pre.bias,
        "vision_model.post_layernorm.weight": vis.ln_post.weight,
        "vision_model.post_layernorm.bias": vis.ln_post.bias,
        "visual_projection.weight": vproj,
        "text_model.embeddings.token_embedding.weight": txt.token_embedding.weight,
        "text_model.embeddings.position_embedding.weight": txt.positional_embedding,
        "text_model.final_layer_norm.weight": txt.ln_final.weight,
        "text_model.final_layer_norm.bias": txt.ln_final.bias,
        "text_projection.weight": tproj,
        "logit_scale": logit_scale,
    }
    for i in range(len(vis.stem) // 3):
        conv, bn = vis.stem[3 * i], vis.stem[3 * i + 1]
        prefix = f"vision_model.embeddings.conv_stem.{i}"
        t[f"{prefix}.conv.weight"] = conv.weight
        t[f"{prefix}.norm.weight"] = bn.weight
        t[f"{prefix}.norm.bias"] = bn.bias
        t[f"{prefix}.norm.running_mean"] = bn.running_mean
        t[f"{prefix}.norm.running_var"] = bn.running_var
    for i, b in enumerate(vis.blocks):
        t.update(hf_block(f"vision_model.encoder.layers.{i}", b, vc["hidden_size"]))
    for i, b in enumerate(txt.blocks):
        t.update(hf_block(f"text_model.encoder.layers.{i}", b, txt.token_embedding.embedding_dim))
    return t


DTYPES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}


def write_safetensors(path, tensors, dtype=torch.float32):
    header, blobs, offset = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].to(dtype).contiguous()
        if t.dtype == torch.bfloat16:  # numpy has no bfloat16: go through int16 bits
            raw = t.view(torch.int16).numpy().tobytes()
        else:
            raw = t.numpy().tobytes()
        header[name] = {"dtype": DTYPES.get(t.dtype, "F32"), "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def write_model_dir(name, config, tensors, vocab, dtype):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(d, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(vocab), f, indent=1)
    write_safetensors(os.path.join(d, "model.safetensors"), tensors, dtype)


def round_to(module_tensors, dtype):
    return {k: v.to(dtype).to(torch.float32) for k, v in module_tensors.items()}


def load_rounded(vis, txt, tensors_rounded, vc, tc):
    """Copies rounded HF tensors back into the reference modules (inverse of hf_tensors)."""
    ref = hf_tensors(vis, txt, torch.zeros(1), torch.zeros(1), torch.zeros(1), vc, tc)
    with torch.no_grad():
        for i, b in enumerate(vis.blocks):
            _load_block(b, f"vision_model.encoder.layers.{i}", tensors_rounded)
        for i, b in enumerate(txt.blocks):
            _load_block(b, f"text_model.encoder.layers.{i}", tensors_rounded)
        simple = {
            "vision_model.embeddings.patch_embedding.weight": vis.conv1.weight,
            "vision_model.embeddings.class_embedding": vis.class_embedding,
            "vision_model.embeddings.position_embedding.weight": vis.positional_embedding,
            "vision_model.pre_layrnorm.weight": vis.ln_pre.weight,
            "vision_model.pre_layrnorm.bias": vis.ln_pre.bias,
            "vision_model.post_layernorm.weight": vis.ln_post.weight,
            "vision_model.post_layernorm.bias": vis.ln_post.bias,
            "text_model.embeddings.token_embedding.weight": txt.token_embedding.weight,
            "text_model.embeddings.position_embedding.weight": txt.positional_embedding,
            "text_model.final_layer_norm.weight": txt.ln_final.weight,
            "text_model.final_layer_norm.bias": txt.ln_final.bias,
        }
        for k, p in simple.items():
            p.copy_(tensors_rounded[k])
    assert set(ref) <= set(tensors_rounded)


def _load_block(b, prefix, t):
    b.attn.in_proj_weight.copy_(torch.cat([t[f"{prefix}.self_attn.{x}_proj.weight"] for x in "qkv"]))
    b.attn.in_proj_bias.copy_(torch.cat([t[f"{prefix}.self_attn.{x}_proj.bias"] for x in "qkv"]))
    b.attn.out_proj.weight.copy_(t[f"{prefix}.self_attn.out_proj.weight"])
    b.attn.out_proj.bias.copy_(t[f"{prefix}.self_attn.out_proj.bias"])
    for src, dst in (("layer_norm1", b.ln_1), ("layer_norm2", b.ln_2), ("mlp.fc1", b.c_fc),
                     ("mlp.fc2", b.c_proj)):
        dst.weight.copy_(t[f"{prefix}.{src}.weight"])
        dst.bias.copy_(t[f"{prefix}.{src}.bias"])


def encode(vocab, text, context):
    ids = [vocab["<start>"]] + [vocab.get(w, 0) for w in text.lower().split()] + [vocab["<end>"]]
    return ids + [0] * (context - len(ids))


def build(name, tc, vc, proj_dim, seed, variants):
    torch.manual_seed(seed)
    vocab = vocabulary()
    tc["vocab_size"] = len(vocab)
    vis, txt = Vision(vc).eval(), Text(tc).eval()
    randomise(vis)
    randomise(txt)
    vproj = torch.randn(proj_dim, vc["hidden_size"]) / math.sqrt(vc["hidden_size"])
    tproj = torch.randn(proj_dim, tc["hidden_size"]) / math.sqrt(tc["hidden_size"])
    logit_scale = torch.tensor(math.log(1 / 0.07))
    config = {"model_type": "clip", "projection_dim": proj_dim, "logit_scale_init_value": 2.6592,
              "text_config": tc, "vision_config": vc}
    tensors = hf_tensors(vis, txt, vproj, tproj, logit_scale, vc, tc)

    ctx_len = tc["max_position_embeddings"]
    prompts = ["a photo of a cat .", "a blue car", "a small bright drawing of the old red ship ."]
    ids = torch.tensor([encode(vocab, p, ctx_len) for p in prompts])
    # CoOp-style input: <start> X X X X <class> . <end>, the four X replaced by context vectors.
    ctx_prompts = ["X X X X cat .", "X X X X ship .", "X X X X flower ."]
    ctx_ids = torch.tensor([encode(vocab, p, ctx_len) for p in ctx_prompts])
    ctx = torch.randn(4, tc["hidden_size"])
    pixels = torch.randn(2, 3, vc["image_size"], vc["image_size"])

    expected = {"pixel_values": pixels, "input_ids": ids.float(), "ctx_input_ids": ctx_ids.float(),
                "ctx": ctx}
    for suffix, dtype in variants:
        t = tensors if dtype == torch.float32 else round_to(tensors, dtype)
        if dtype != torch.float32:
            load_rounded(vis, txt, t, vc, tc)
        vp, tp, ls = t["visual_projection.weight"], t["text_projection.weight"], t["logit_scale"]
        with torch.no_grad():
            img = vis(pixels, vp)
            text = txt.forward_ids(ids, tp)
            emb = txt.token_embedding(ctx_ids).clone()
            emb[:, 1:5] = ctx
            ctx_text = txt.forward_embeddings(emb, ctx_ids.argmax(dim=-1), tp)
            norm = lambda x: x / x.norm(dim=-1, keepdim=True)
            logits = ls.exp() * norm(img) @ norm(text).t()
        expected.update({f"image_features{suffix}": img, f"text_features{suffix}": text,
                         f"ctx_text_features{suffix}": ctx_text, f"logits{suffix}": logits})
        if len(vis.stem) and dtype == torch.float32:
            # Training mode: BatchNorm on the batch's statistics, running ones updated once.
            trained = copy.deepcopy(vis).train()
            with torch.no_grad():
                expected["image_features_training"] = trained(pixels, vp)
            for i in range(len(vis.stem) // 3):
                bn = trained.stem[3 * i + 1]
                expected[f"stem{i}_running_mean_after"] = bn.running_mean.clone()
                expected[f"stem{i}_running_var_after"] = bn.running_var.clone()
        write_model_dir(name + suffix, config, tensors, vocab, dtype)
    write_safetensors(os.path.join(OUT, name + "-expected.safetensors"),
                      {k: v.contiguous() for k, v in expected.items()})
    with open(os.path.join(OUT, name + "-prompts.json"), "w") as f:
        json.dump({"prompts": prompts, "ctx_prompts": ctx_prompts}, f, indent=1)


def main():
    tc = {"hidden_size": 32, "intermediate_size": 128, "num_attention_heads": 2,
          "num_hidden_layers": 2, "max_position_embeddings": 16, "hidden_act": "quick_gelu",
          "layer_norm_eps": 1e-5}
    vc = {"hidden_size": 32, "intermediate_size": 128, "num_attention_heads": 4,
          "num_hidden_layers": 2, "image_size": 32, "patch_size": 8, "num_channels": 3,
          "hidden_act": "quick_gelu", "layer_norm_eps": 1e-5}
    build("tiny", tc, vc, 24, 1234,
          [("", torch.float32), ("-f16", torch.float16), ("-bf16", torch.bfloat16)])
    tc = dict(tc, hidden_size=16, intermediate_size=48, num_hidden_layers=1, hidden_act="gelu")
    vc = dict(vc, hidden_size=16, intermediate_size=48, num_hidden_layers=1, hidden_act="gelu")
    build("tiny-gelu", tc, vc, 8, 99, [("", torch.float32)])
    vc = dict(vc, conv_stem_channels=[8, 12])
    build("tiny-stem", tc, vc, 8, 7, [("", torch.float32)])


if __name__ == "__main__":
    main()
