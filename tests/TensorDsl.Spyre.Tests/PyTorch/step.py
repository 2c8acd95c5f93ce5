"""Runs the emitted module's Python side on one vLLM step (PyTorchStepTests): the cache write, the step plan, the
preparation of each launch, and serving through SpyreAttention (warm-up, then forward) — no .NET involved.

Usage: python3 step.py WORKDIR [--no-serve]. Reads program.py, limits.json and the step's .npy files; writes cache_after.npy,
launch{i}_{q,k,v,mask,token_rows,token_ids}.npy, out.npy (forward's [T, Hq, D]) and result.json.
"""
import importlib.util
import json
import os
import sys
import types

import numpy as np
import torch

work = sys.argv[1]
serve = "--no-serve" not in sys.argv[2:]
spec = importlib.util.spec_from_file_location("spyre_program", os.path.join(work, "program.py"))
program = importlib.util.module_from_spec(spec)
spec.loader.exec_module(program)


def load(name):
    return torch.from_numpy(np.load(os.path.join(work, name + ".npy")))


def save(name, tensor):
    np.save(os.path.join(work, name + ".npy"), tensor.numpy())


limits = json.load(open(os.path.join(work, "limits.json")))
query, new_k, new_v = load("query"), load("new_keys"), load("new_values")
cache_before = load("cache_before")
block_table, seq_lens, query_start_loc, slot_mapping = (load(n) for n in ("block_table", "seq_lens", "query_start_loc", "slot_mapping"))

# 1. The preparation alone, compared bit for bit with the C# host preparation.
cache = cache_before.clone()
program.write_cache(new_k, new_v, cache, slot_mapping)
save("cache_after", cache)
plan = program.Plan(limits["max_num_seqs"], limits["max_model_len"], limits["max_num_batched_tokens"])
launches = program.prepare(plan, query, cache, block_table, seq_lens, query_start_loc)
for i, launch in enumerate(launches):
    for name in ("q", "k", "v", "mask", "token_rows", "token_ids"):
        save(f"launch{i}_{name}", launch[name])

# 2. Serving: warm-up compiles every variant once; forward() then only dispatches. (Skipped with --no-serve: warming every
#    variant takes most of the run, and one step shows it.)
served = {}
if serve:
    try:
        torch.matmul(torch.zeros(2, 2, dtype=torch.float16), torch.zeros(2, 2, dtype=torch.float16))
        dtype = torch.float16
    except RuntimeError:
        dtype = torch.float32  # PyTorch 1.13's CPU has no fp16 matmul: the same graphs in fp32
    attn = program.SpyreAttention(limits["max_num_seqs"], limits["max_model_len"], limits["max_num_batched_tokens"], dtype=dtype)
    warmed = attn.warmup()
    compiles_after_warmup = attn.compiles
    metadata = types.SimpleNamespace(num_actual_tokens=query.shape[0], seq_lens=seq_lens, query_start_loc=query_start_loc,
                                     block_table=block_table, slot_mapping=slot_mapping)
    served_cache = cache_before.clone()
    out = torch.zeros(query.shape[0], query.shape[1] * query.shape[2], dtype=torch.float16)
    for _ in range(2):  # a second identical step: still no compile
        attn.forward(None, query.view(query.shape[0], -1), new_k, new_v, served_cache, metadata, output=out)
    save("out", out.view(query.shape))
    try:
        attn.run({"variant": (3, 5, 7)})
        refused = False
    except RuntimeError:
        refused = True
    served = {
        "compute_dtype": str(dtype),
        "warmed": warmed,
        "compiles_after_warmup": compiles_after_warmup,
        "compiles_after_serving": attn.compiles,
        "distinct_callables": len({id(f) for f in attn.callables.values()}),
        "served_cache_equal": bool(torch.equal(served_cache, cache)),
        "unknown_variant_refused": refused,
    }

# 3. Bad input names the parameter (ValueError), before anything is prepared.
errors = {}
for name, call in {
    "too_many_sequences": lambda: program.prepare(program.Plan(1, limits["max_model_len"], limits["max_num_batched_tokens"]),
                                                  query, cache, block_table, seq_lens, query_start_loc),
    "bad_query_start_loc": lambda: program.prepare(plan, query, cache, block_table, seq_lens, query_start_loc + 1),
    "bad_query_shape": lambda: program.prepare(plan, query[:, :1], cache, block_table, seq_lens, query_start_loc),
}.items():
    try:
        call()
        errors[name] = None
    except ValueError as e:
        errors[name] = str(e)

json.dump({
    "torch": torch.__version__,
    "variants": [list(v) for v in plan.variants],
    "launches": [list(launch["variant"]) for launch in launches],
    "errors": errors,
    "served": served,
}, open(os.path.join(work, "result.json"), "w"))
