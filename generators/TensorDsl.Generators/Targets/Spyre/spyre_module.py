import types

import torch

MASKED = -65504.0  # IEEE fp16's lowest finite value: the additive mask of a hidden key
KV_BASE = 256  # the smallest KV bucket of the step plan; then powers of two
QUERY_BASE = 32  # the smallest query bucket above a decode; then powers of two
MAX_LAUNCHES = 3


def attention(q, k, v, mask):
    """One launch: [B*Hkv, G, Qp, D] x [B*Hkv, 1, L, D] -> [B*Hkv, G, Qp, D]."""
    q = q * SCALE
    scores = torch.matmul(q, k.transpose(-1, -2))
    scores = scores + mask
    probs = torch.softmax(scores, dim=-1)
    return torch.matmul(probs, v)


def to_tokens(out, token_rows):
    """[B*Hkv, G, Qp, D] -> [B, Qp, Hq, D] -> the launch's rows of flat [T, Hq, D] (token_rows: row b*Qp+i)."""
    out = out.unflatten(0, (-1, KV_HEADS))
    out = out.permute(0, 3, 1, 2, 4)
    out = out.flatten(2, 3).flatten(0, 1)
    return out.index_select(0, token_rows)


def compiled(device="spyre"):
    """attention compiled for static shapes where torch.compile exists (PyTorch >= 2); the eager function before."""
    if hasattr(torch, "compile"):
        return torch.compile(attention, dynamic=False)
    return attention


# ---- The step plan (docs/spyre.md#the-step-plan; the same rule as the C# SpyreStepBuckets, tested to agree) ----

class Plan:
    """The variants (B, Qp, L) a server compiles for max_num_seqs, max_model_len and max_num_batched_tokens."""

    def __init__(self, max_num_seqs, max_model_len, max_num_batched_tokens=2048):
        if min(max_num_seqs, max_model_len, max_num_batched_tokens) <= 0:
            raise ValueError("max_num_seqs, max_model_len and max_num_batched_tokens must be > 0")
        self.max_num_seqs, self.max_model_len, self.max_num_batched_tokens = max_num_seqs, max_model_len, max_num_batched_tokens
        self.batches = _doubling(1, max_num_seqs)
        self.kvs = _doubling(KV_BASE, max_model_len)
        self.queries = [1] + _doubling(QUERY_BASE, min(max_model_len, max_num_batched_tokens))
        self.padded_tokens = _doubling(1, max_num_batched_tokens)[-1]
        self.variants = [(b, q, l) for b in self.batches for q in self.queries for l in self.kvs if self.holds(b, q, l)]

    def holds(self, b, qp, l):
        return qp == 1 or (l >= qp and b * qp <= 2 * self.padded_tokens)

    def schedule(self, query_lens, seq_lens):
        """[(variant, members)]: at most MAX_LAUNCHES launches serving the step (members ascending)."""
        n = len(seq_lens)
        if n > self.max_num_seqs:
            raise ValueError(f"seq_lens: {n} sequences, expected <= max_num_seqs {self.max_num_seqs}")
        for s in range(n):
            if seq_lens[s] > self.max_model_len:
                raise ValueError(f"seq_lens[{s}] = {seq_lens[s]}, expected <= max_model_len {self.max_model_len}")
            if not 0 <= query_lens[s] <= seq_lens[s]:
                raise ValueError(f"query_start_loc: query length of sequence {s} is {query_lens[s]}, expected in [0, {seq_lens[s]}]")
        if sum(query_lens) > self.max_num_batched_tokens:
            raise ValueError(f"query_start_loc: T = {sum(query_lens)}, expected <= max_num_batched_tokens {self.max_num_batched_tokens}")
        pq = [_pad(self.queries, max(1, x)) for x in query_lens]
        pk = [_pad(self.kvs, max(1, x)) for x in seq_lens]
        active = sorted((s for s in range(n) if query_lens[s] > 0), key=lambda s: (-pq[s], -pk[s], s))
        if not active:
            return []
        cuts, run = [0], 0
        for i in range(1, len(active)):
            a, b = active[i], active[i - 1]
            if (pq[a], pk[a]) != (pq[b], pk[b]):
                run = i
                cuts.append(i)
            elif (i - run) & (i - run - 1) == 0:
                cuts.append(i)
        cuts.append(len(active))

        def cost(lo, hi):
            b = _pad(self.batches, hi - lo)
            qp, l = pq[active[lo]], max(pk[s] for s in active[lo:hi])
            return b * qp * l if b is not None and self.holds(b, qp, l) else None

        best = None
        options = [()] + [(a,) for a in range(1, len(cuts) - 1)] + \
                  [(a, b) for a in range(1, len(cuts) - 1) for b in range(a + 1, len(cuts) - 1)]
        for option in options:
            bounds = [0] + [cuts[c] for c in option] + [len(active)]
            costs = [cost(lo, hi) for lo, hi in zip(bounds, bounds[1:])]
            if None not in costs and (best is None or sum(costs) < best[0]):
                best = (sum(costs), bounds)
        if best is None:
            raise ValueError(f"seq_lens: a step of {len(active)} sequences that {MAX_LAUNCHES} launches of the plan's "
                             f"{len(self.variants)} variants hold")
        launches = []
        for lo, hi in zip(best[1], best[1][1:]):
            members = sorted(active[lo:hi])
            variant = (_pad(self.batches, len(members)), max(pq[s] for s in members), max(pk[s] for s in members))
            launches.append((variant, members))
        return launches


def _doubling(start, limit):
    values = [start]
    while values[-1] < limit:
        values.append(values[-1] * 2)
    return values


def _pad(buckets, value):
    return next((b for b in buckets if b >= value), None)


# ---- Preparation from vLLM's tensors (bit-identical to the C# SpyreHost.PrepareStep, tested) ----

def write_cache(key, value, kv_cache, slot_mapping):
    """vLLM's reshape_and_cache on the stacked [N, 2, BLOCK_SIZE, Hkv, D] cache; a negative slot is skipped."""
    slots = slot_mapping.long()
    keep = slots >= 0
    if bool(keep.any()):
        slots = slots[keep]
        blocks, offsets = slots // BLOCK_SIZE, slots % BLOCK_SIZE
        if int(slots.max()) >= kv_cache.shape[0] * BLOCK_SIZE:
            raise ValueError(f"slot_mapping: slot {int(slots.max())} outside the cache's {kv_cache.shape[0] * BLOCK_SIZE} slots")
        if slots.unique().numel() != slots.numel():
            raise ValueError("slot_mapping: a slot written by two tokens of the step")
        kv_cache[blocks, 0, offsets] = key[keep].to(kv_cache.dtype)
        kv_cache[blocks, 1, offsets] = value[keep].to(kv_cache.dtype)


def _visible(p, length):
    """The key range [lo, hi] absolute position p sees in a sequence of `length` keys (SpyreHost.VisibleRange)."""
    lo, hi = 0, length - 1
    if CAUSAL:
        hi = min(hi, p)
    if WINDOW_LEFT >= 0:
        lo = max(lo, p - WINDOW_LEFT)
    if WINDOW_RIGHT >= 0:
        hi = min(hi, p + WINDOW_RIGHT)
    if CHUNK > 0:
        c0 = p // CHUNK * CHUNK
        lo, hi = max(lo, c0), min(hi, c0 + CHUNK - 1)
    return lo, hi


def _shift_keys(keys):
    """keys [lk, D] fp16 minus their mean key, bit for bit as SpyreHost.SubtractMeanKey (exact integer column sums)."""
    finite = torch.isfinite(keys)
    as_int = torch.where(finite, keys.double() * 16777216.0, torch.zeros((), dtype=torch.float64)).long()
    total = as_int.sum(0).double()
    reference = ((total / 16777216.0) / keys.shape[0]).float().half().float()
    reference = torch.where(finite.all(0), reference, torch.zeros((), dtype=torch.float32))
    return (keys.float() - reference).half()


def prepare_launch(variant, members, query, kv_cache, block_table, seq_lens, query_start_loc):
    """One launch's device inputs: q, k, v, mask (fp16), token_rows and token_ids (int32), as SpyreHost fills them."""
    b_pad, qp, l = variant
    t, hq, d = query.shape
    q = torch.zeros((b_pad, qp, hq, d), dtype=torch.float16)
    k = torch.zeros((b_pad, KV_HEADS, l, d), dtype=torch.float16)
    v = torch.zeros((b_pad, KV_HEADS, l, d), dtype=torch.float16)
    mask = torch.full((b_pad, qp, l), MASKED, dtype=torch.float16)
    rows, ids = [], []
    for b, m in enumerate(members):
        start, lq, lk = int(query_start_loc[m]), int(query_start_loc[m + 1] - query_start_loc[m]), int(seq_lens[m])
        q[b, :lq] = query[start:start + lq].half()
        positions = torch.arange(lk)
        blocks = block_table[m].long()[positions // BLOCK_SIZE]
        offsets = positions % BLOCK_SIZE
        keys = kv_cache[blocks, 0, offsets].half().permute(1, 0, 2)  # [Hkv, lk, D]
        k[b, :, :lk] = torch.stack([_shift_keys(keys[h]) for h in range(KV_HEADS)]) if SHIFT_KEYS and lk > 0 else keys
        v[b, :, :lk] = kv_cache[blocks, 1, offsets].half().permute(1, 0, 2)
        for i in range(lq):
            lo, hi = _visible(lk - lq + i, lk)
            if lo <= hi:
                mask[b, i, lo:hi + 1] = 0
            rows.append(b * qp + i)
            ids.append(start + i)
    q = q.unflatten(2, (KV_HEADS, GROUP)).permute(0, 2, 3, 1, 4).reshape(b_pad * KV_HEADS, GROUP, qp, d)
    return {
        "variant": variant,
        "q": q,
        "k": k.reshape(b_pad * KV_HEADS, 1, l, d),
        "v": v.reshape(b_pad * KV_HEADS, 1, l, d),
        "mask": mask.unsqueeze(1).repeat_interleave(KV_HEADS, dim=0),
        "token_rows": torch.tensor(rows, dtype=torch.int32),
        "token_ids": torch.tensor(ids, dtype=torch.int32),
    }


def prepare(plan, query, kv_cache, block_table, seq_lens, query_start_loc):
    """The step's launches (at most MAX_LAUNCHES), from vLLM's tensors: query [T, Hq, D], the stacked cache, metadata."""
    if query.dim() != 3 or query.shape[1] != QUERY_HEADS or query.shape[2] != HEAD_SIZE:
        raise ValueError(f"query: shape {tuple(query.shape)}, expected [T, {QUERY_HEADS}, {HEAD_SIZE}]")
    if tuple(kv_cache.shape[1:]) != (2, BLOCK_SIZE, KV_HEADS, HEAD_SIZE):
        raise ValueError(f"kv_cache: shape {tuple(kv_cache.shape)}, expected [N, 2, {BLOCK_SIZE}, {KV_HEADS}, {HEAD_SIZE}]")
    starts = [int(x) for x in query_start_loc.tolist()]
    lens = [int(x) for x in seq_lens.tolist()]
    if len(starts) != len(lens) + 1 or starts[0] != 0 or starts[-1] != query.shape[0]:
        raise ValueError(f"query_start_loc: {starts}, expected {len(lens) + 1} offsets from 0 to T = {query.shape[0]}")
    for s, lk in enumerate(lens):
        used = (lk + BLOCK_SIZE - 1) // BLOCK_SIZE
        if used > block_table.shape[1] or (used > 0 and not 0 <= int(block_table[s, :used].min()) <= int(block_table[s, :used].max()) < kv_cache.shape[0]):
            raise ValueError(f"block_table[{s}]: the {used} blocks of seq_lens[{s}] = {lk} must be ids in [0, {kv_cache.shape[0]})")
    launches = plan.schedule([b - a for a, b in zip(starts, starts[1:])], lens)
    return [prepare_launch(variant, members, query, kv_cache, block_table, seq_lens, query_start_loc)
            for variant, members in launches]


# ---- Serving: one compiled callable per variant, all made by warmup(); the dispatcher never compiles ----

class SpyreAttention:
    """vLLM-shaped attention over the emitted program (docs/spyre.md#serving-from-python)."""

    def __init__(self, max_num_seqs, max_model_len, max_num_batched_tokens=2048, device="cpu", dtype=torch.float16):
        self.plan = Plan(max_num_seqs, max_model_len, max_num_batched_tokens)
        self.device, self.dtype = device, dtype
        self.callables = {}
        self.compiles = 0

    def _compile(self, variant):
        b, qp, l = variant
        example = (torch.zeros((b * KV_HEADS, GROUP, qp, HEAD_SIZE), dtype=self.dtype, device=self.device),
                   torch.zeros((b * KV_HEADS, 1, l, HEAD_SIZE), dtype=self.dtype, device=self.device),
                   torch.zeros((b * KV_HEADS, 1, l, HEAD_SIZE), dtype=self.dtype, device=self.device),
                   torch.zeros((b * KV_HEADS, 1, qp, l), dtype=self.dtype, device=self.device))
        self.compiles += 1
        if hasattr(torch, "compile"):
            # A code object of its own per variant: torch.compile's cache (and its recompile limit) is per code object,
            # so each variant compiles exactly once and no variant evicts another.
            code = attention.__code__.replace(co_name=f"attention_{b}_{qp}_{l}")
            fn = torch.compile(types.FunctionType(code, attention.__globals__), dynamic=False)
        else:
            fn = torch.jit.trace(attention, example)  # PyTorch 1.x: one traced graph per variant
        fn(*example)  # the first call compiles (torch.compile) or checks the trace; it happens here, never in serving
        return fn

    def warmup(self):
        """Compiles every variant of the plan once. Returns how many were compiled."""
        for variant in self.plan.variants:
            if variant not in self.callables:
                self.callables[variant] = self._compile(variant)
        return len(self.callables)

    def run(self, launch):
        fn = self.callables.get(launch["variant"])
        if fn is None:
            raise RuntimeError(f"variant {launch['variant']} was not compiled by warmup(); serving never compiles")
        args = [launch[name].to(device=self.device, dtype=self.dtype) for name in ("q", "k", "v", "mask")]
        return fn(*args)

    def forward(self, layer, query, key, value, kv_cache, attn_metadata, output=None, output_scale=None, output_block_scale=None):
        """vLLM's AttentionImpl.forward: writes the step's K/V into kv_cache, then attention into output [T, Hq(*D)]."""
        if output is None:
            output = torch.empty_like(query)
        if attn_metadata is None:
            return output
        n = attn_metadata.num_actual_tokens
        write_cache(key[:n], value[:n], kv_cache, attn_metadata.slot_mapping[:n])
        launches = prepare(self.plan, query[:n].view(n, QUERY_HEADS, HEAD_SIZE), kv_cache, attn_metadata.block_table,
                           attn_metadata.seq_lens, attn_metadata.query_start_loc)
        flat = output[:n].view(n, QUERY_HEADS, HEAD_SIZE)
        for launch in launches:
            tokens = to_tokens(self.run(launch), launch["token_rows"].long().to(self.device))
            flat[launch["token_ids"].long()] = tokens.to(device=flat.device, dtype=flat.dtype)
        return output
