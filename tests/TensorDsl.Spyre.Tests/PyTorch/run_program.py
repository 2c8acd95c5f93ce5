"""Runs a TensorDsl-emitted Spyre program (program.py in the work directory) on the host preparation's tensors.

Usage: python3 run_program.py WORKDIR. Reads q.npy, k.npy, v.npy (float16), mask.npy (float16), token_rows.npy (int32);
writes, as float16 [T, Hq, D]:
  eager.npy   the emitted attention() and to_tokens() run eagerly (in float32 where this PyTorch's CPU kernels lack fp16
              matmul/softmax, e.g. 1.13; in float16 where it has them),
  fp16.npy    the fx-traced graph interpreted with every op's result rounded to float16 (what fp16 hardware computes),
and result.json: the torch version, the traced graph's ops, whether eager ran in float16, and what compiled() returned.
"""
import importlib.util
import json
import os
import sys

import numpy as np
import torch
import torch.fx

work = sys.argv[1]
spec = importlib.util.spec_from_file_location("spyre_program", os.path.join(work, "program.py"))
program = importlib.util.module_from_spec(spec)
spec.loader.exec_module(program)


def load(name):
    return torch.from_numpy(np.load(os.path.join(work, name + ".npy")))


q, k, v, mask, token_rows = (load(n) for n in ("q", "k", "v", "mask", "token_rows"))
assert q.dtype == torch.float16 and k.dtype == torch.float16 and mask.dtype == torch.float16
assert token_rows.dtype == torch.int32

# 1. Eager, exactly the emitted functions.
try:
    out = program.attention(q, k, v, mask)
    eager_dtype = "float16"
except RuntimeError:
    out = program.attention(q.float(), k.float(), v.float(), mask.float())
    eager_dtype = "float32"
tokens = program.to_tokens(out, token_rows)
np.save(os.path.join(work, "eager.npy"), tokens.half().numpy())

# 2. One static graph: symbolic_trace captures the whole function or raises on data-dependent control flow.
graph = torch.fx.symbolic_trace(program.attention)
ops = []
for node in graph.graph.nodes:
    if node.op == "call_function":
        ops.append(getattr(node.target, "__name__", str(node.target)))
    elif node.op == "call_method":
        ops.append(node.target)
    elif node.op in ("call_module", "get_attr"):
        ops.append(node.op + ":" + str(node.target))
placeholders = [n.name for n in graph.graph.nodes if n.op == "placeholder"]
outputs = [n for n in graph.graph.nodes if n.op == "output"]
back = torch.fx.symbolic_trace(program.to_tokens)
back_ops = [n.target if n.op == "call_method" else getattr(n.target, "__name__", str(n.target))
            for n in back.graph.nodes if n.op in ("call_function", "call_method")]


# 3. The traced graph with fp16 rounding at every op boundary (arithmetic inside an op in float32).
class Fp16(torch.fx.Interpreter):
    def run_node(self, n):
        result = super().run_node(n)
        if n.op in ("call_function", "call_method") and torch.is_tensor(result) and result.is_floating_point():
            result = result.half().float()
        return result


out16 = Fp16(graph).run(q.float(), k.float(), v.float(), mask.float())
np.save(os.path.join(work, "fp16.npy"), back(out16, token_rows).half().numpy())

compiled = program.compiled()
with open(os.path.join(work, "result.json"), "w") as f:
    json.dump({
        "torch": torch.__version__,
        "ops": ops,
        "placeholders": placeholders,
        "outputs": len(outputs),
        "to_tokens_ops": back_ops,
        "eager_dtype": eager_dtype,
        "has_compile": hasattr(torch, "compile"),
        "compiled_is_eager": compiled is program.attention,
    }, f)
