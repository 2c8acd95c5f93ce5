// Registers the varlen and paged kernels of Kernels/MixedKvKernels.cs: queries and output in one element type over a
// KV cache of another (docs/semantics.md#element-types). WriteCache's new keys and values and the caches have the KV
// type; named arguments make a reordered, renamed or retyped generated parameter a compile error.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class VarlenPagedCatalog
{
    private static void AddMixedKvKernels()
    {
        AddPaged<float, Half>(new KernelTraits("PagedMixF32F16Causal") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p }, blockSize: 16,
            run: (x, o, l, heads) => PagedMixF32F16Causal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedMixF32F16Causal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedMixF32F16Causal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedMixF32F16Causal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedMixF32F16Causal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float, BFloat16>(new KernelTraits("PagedMixF32BF16GptOss") { ConstHq = 8, ConstHkv = 1, ConstD = 128, Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true }, blockSize: 32,
            run: (x, o, l, heads) => PagedMixF32BF16GptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedMixF32BF16GptOss.Run(q: x.Q, kvCache: kv, layout: layout, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedMixF32BF16GptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedMixF32BF16GptOss.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedMixF32BF16GptOss.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16, Half>(new KernelTraits("PagedMixBF16F16Alibi") { ConstHq = 4, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => j <= p, Alibi = true }, blockSize: 1,
            run: (x, o, l, heads) => PagedMixBF16F16Alibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedMixBF16F16Alibi.Run(q: x.Q, kvCache: kv, layout: layout, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedMixBF16F16Alibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedMixBF16F16Alibi.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedMixBF16F16Alibi.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half, float>(new KernelTraits("PagedMixF16F32Softcap") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p, Softcap = 5f }, blockSize: 128,
            run: (x, o, l, heads) => PagedMixF16F32Softcap.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedMixF16F32Softcap.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedMixF16F32Softcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedMixF16F32Softcap.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedMixF16F32Softcap.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float, Half>(new KernelTraits("PagedMixF32F16RuntimeHeads") { Visible = (b, h, p, j) => j <= p }, blockSize: 16,
            run: (x, o, l, heads) => PagedMixF32F16RuntimeHeads.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedMixF32F16RuntimeHeads.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            reference: (x, o, l) => PagedMixF32F16RuntimeHeads.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedMixF32F16RuntimeHeads.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv),
            writeCacheStacked: (x, key, value, kv, layout) => PagedMixF32F16RuntimeHeads.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv));
        AddVarlen<float, Half>(new KernelTraits("VarlenMixF32F16Causal") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p },
            run: (x, o, l, heads) => VarlenMixF32F16Causal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l, heads: heads),
            reference: (x, o, l) => VarlenMixF32F16Causal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l));
    }
}
