// Registers the kernels of Kernels/VarlenPagedKernels.cs: traits written from the declarations (visibility rule,
// scale, softcap, side inputs) and adapters that call the generated entry points with named arguments, so a
// reordered or renamed generated parameter is a compile error rather than a silent swap.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class VarlenPagedCatalog
{
    private static void AddPagedKernels()
    {
        AddPaged<float>(new KernelTraits("PagedF32Plain") { ConstHq = 4, ConstHkv = 4, ConstD = 64, Visible = KernelTraits.All }, blockSize: 32,
            run: (x, o, l, heads) => PagedF32Plain.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Plain.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Plain.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Plain.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Plain.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Causal") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32Causal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Causal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Causal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Causal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Causal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Window") { ConstHq = 8, ConstHkv = 1, ConstD = 64, Visible = (b, h, p, j) => p - 5 <= j && j <= p + 3 }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32Window.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Window.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Window.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Window.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Window.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32WindowCausal") { ConstHq = 4, ConstHkv = 2, ConstD = 128, Visible = (b, h, p, j) => j <= p && p - 6 <= j }, blockSize: 1,
            run: (x, o, l, heads) => PagedF32WindowCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32WindowCausal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32WindowCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32WindowCausal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32WindowCausal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Chunked") { ConstHq = 8, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => FloorDiv(j, 8) == FloorDiv(p, 8) }, blockSize: 32,
            run: (x, o, l, heads) => PagedF32Chunked.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Chunked.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Chunked.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Chunked.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Chunked.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32ChunkedCausal") { ConstHq = 8, ConstHkv = 8, ConstD = 64, Visible = (b, h, p, j) => j <= p && FloorDiv(j, 16) == FloorDiv(p, 16) }, blockSize: 128,
            run: (x, o, l, heads) => PagedF32ChunkedCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32ChunkedCausal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32ChunkedCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32ChunkedCausal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32ChunkedCausal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Softcap") { ConstHq = 8, ConstHkv = 8, ConstD = 128, Visible = (b, h, p, j) => j <= p, Softcap = 5f }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32Softcap.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Softcap.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Softcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Softcap.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Softcap.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Alibi") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p, Alibi = true }, blockSize: 128,
            run: (x, o, l, heads) => PagedF32Alibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Alibi.Run(q: x.Q, kvCache: kv, layout: layout, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Alibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Alibi.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Alibi.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Sinks") { ConstHq = 8, ConstHkv = 1, ConstD = 64, Visible = (b, h, p, j) => j <= p, Sinks = true }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32Sinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Sinks.Run(q: x.Q, kvCache: kv, layout: layout, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Sinks.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Sinks.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Sinks.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32MaskLambda") { ConstHq = 4, ConstHkv = 1, ConstD = 64, Visible = (b, h, p, j) => (p - j) % 3 != 1 || j == 0 }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32MaskLambda.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32MaskLambda.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32MaskLambda.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32MaskLambda.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32MaskLambda.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32SeqMask") { ConstHq = 4, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p && ((j + b + h) % 2 == 0 || j == p) }, blockSize: 32,
            run: (x, o, l, heads) => PagedF32SeqMask.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32SeqMask.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32SeqMask.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32SeqMask.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32SeqMask.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32ScoreMod") { ConstHq = 4, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p, ModBound = (sq, sk) => 0.5 }, blockSize: 32,
            run: (x, o, l, heads) => PagedF32ScoreMod.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32ScoreMod.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32ScoreMod.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32ScoreMod.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32ScoreMod.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Scale") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => p - 4 <= j && j <= p + 4, Scale = 0.2f }, blockSize: 1,
            run: (x, o, l, heads) => PagedF32Scale.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Scale.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Scale.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Scale.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Scale.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32Gemma") { ConstHq = 8, ConstHkv = 4, ConstD = 128, Visible = (b, h, p, j) => j <= p && p - 7 <= j, Scale = 0.25f, Softcap = 20f }, blockSize: 32,
            run: (x, o, l, heads) => PagedF32Gemma.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32Gemma.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32Gemma.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32Gemma.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32Gemma.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32GptOss") { ConstHq = 8, ConstHkv = 1, ConstD = 64, Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32GptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32GptOss.Run(q: x.Q, kvCache: kv, layout: layout, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32GptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32GptOss.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32GptOss.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32AlibiSinksWindow") { ConstHq = 4, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => p - 12 <= j && j <= p + 2, Alibi = true, Sinks = true, Scale = 0.125f }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32AlibiSinksWindow.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32AlibiSinksWindow.Run(q: x.Q, kvCache: kv, layout: layout, slopes: x.Slopes, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32AlibiSinksWindow.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, sinks: x.Sinks, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32AlibiSinksWindow.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32AlibiSinksWindow.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16Causal") { ConstHq = 8, ConstHkv = 1, ConstD = 128, Visible = (b, h, p, j) => j <= p }, blockSize: 16,
            run: (x, o, l, heads) => PagedF16Causal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16Causal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16Causal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16Causal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16Causal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16Window") { ConstHq = 4, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => p - 5 <= j && j <= p + 3 }, blockSize: 32,
            run: (x, o, l, heads) => PagedF16Window.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16Window.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16Window.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16Window.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16Window.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16Alibi") { ConstHq = 4, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p, Alibi = true }, blockSize: 16,
            run: (x, o, l, heads) => PagedF16Alibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16Alibi.Run(q: x.Q, kvCache: kv, layout: layout, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16Alibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16Alibi.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16Alibi.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16Sinks") { ConstHq = 8, ConstHkv = 2, ConstD = 128, Visible = (b, h, p, j) => j <= p, Sinks = true }, blockSize: 1,
            run: (x, o, l, heads) => PagedF16Sinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16Sinks.Run(q: x.Q, kvCache: kv, layout: layout, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16Sinks.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16Sinks.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16Sinks.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16MaskLambda") { ConstHq = 4, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => (p - j) % 3 != 1 || j == 0 }, blockSize: 128,
            run: (x, o, l, heads) => PagedF16MaskLambda.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16MaskLambda.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16MaskLambda.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16MaskLambda.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16MaskLambda.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16Softcap") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p, Softcap = 5f }, blockSize: 32,
            run: (x, o, l, heads) => PagedF16Softcap.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16Softcap.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16Softcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16Softcap.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16Softcap.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16Gemma") { ConstHq = 4, ConstHkv = 2, ConstD = 128, Visible = (b, h, p, j) => j <= p && p - 7 <= j, Scale = 0.25f, Softcap = 20f }, blockSize: 16,
            run: (x, o, l, heads) => PagedF16Gemma.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16Gemma.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16Gemma.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16Gemma.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16Gemma.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16ChunkedCausal") { ConstHq = 8, ConstHkv = 1, ConstD = 64, Visible = (b, h, p, j) => j <= p && FloorDiv(j, 16) == FloorDiv(p, 16) }, blockSize: 16,
            run: (x, o, l, heads) => PagedF16ChunkedCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16ChunkedCausal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16ChunkedCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16ChunkedCausal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16ChunkedCausal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<Half>(new KernelTraits("PagedF16ScoreMod") { ConstHq = 8, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => j <= p, ModBound = (sq, sk) => 0.5 }, blockSize: 16,
            run: (x, o, l, heads) => PagedF16ScoreMod.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16ScoreMod.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16ScoreMod.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16ScoreMod.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16ScoreMod.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16Causal") { ConstHq = 4, ConstHkv = 1, ConstD = 64, Visible = (b, h, p, j) => j <= p }, blockSize: 16,
            run: (x, o, l, heads) => PagedBF16Causal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16Causal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16Causal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16Causal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16Causal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16WindowCausal") { ConstHq = 8, ConstHkv = 8, ConstD = 64, Visible = (b, h, p, j) => j <= p && p - 6 <= j }, blockSize: 32,
            run: (x, o, l, heads) => PagedBF16WindowCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16WindowCausal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16WindowCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16WindowCausal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16WindowCausal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16Alibi") { ConstHq = 8, ConstHkv = 4, ConstD = 128, Visible = (b, h, p, j) => j <= p, Alibi = true }, blockSize: 16,
            run: (x, o, l, heads) => PagedBF16Alibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16Alibi.Run(q: x.Q, kvCache: kv, layout: layout, slopes: x.Slopes, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16Alibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16Alibi.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16Alibi.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16GptOss") { ConstHq = 8, ConstHkv = 1, ConstD = 64, Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true }, blockSize: 128,
            run: (x, o, l, heads) => PagedBF16GptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16GptOss.Run(q: x.Q, kvCache: kv, layout: layout, sinks: x.Sinks, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16GptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16GptOss.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16GptOss.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16SeqMask") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p && ((j + b + h) % 2 == 0 || j == p) }, blockSize: 1,
            run: (x, o, l, heads) => PagedBF16SeqMask.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16SeqMask.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16SeqMask.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16SeqMask.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16SeqMask.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16Softcap") { ConstHq = 4, ConstHkv = 4, ConstD = 128, Visible = (b, h, p, j) => j <= p, Softcap = 5f }, blockSize: 32,
            run: (x, o, l, heads) => PagedBF16Softcap.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16Softcap.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16Softcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16Softcap.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16Softcap.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16Scale") { ConstHq = 8, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => p - 4 <= j && j <= p + 4, Scale = 0.2f }, blockSize: 16,
            run: (x, o, l, heads) => PagedBF16Scale.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16Scale.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16Scale.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16Scale.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16Scale.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16Chunked") { ConstHq = 4, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => FloorDiv(j, 8) == FloorDiv(p, 8) }, blockSize: 16,
            run: (x, o, l, heads) => PagedBF16Chunked.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16Chunked.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16Chunked.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16Chunked.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16Chunked.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged));
        AddPaged<float>(new KernelTraits("PagedF32RuntimeHeadsCausal") { Visible = (b, h, p, j) => j <= p }, blockSize: 16,
            run: (x, o, l, heads) => PagedF32RuntimeHeadsCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF32RuntimeHeadsCausal.Run(q: x.Q, kvCache: kv, layout: layout, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            reference: (x, o, l) => PagedF32RuntimeHeadsCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF32RuntimeHeadsCausal.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF32RuntimeHeadsCausal.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv));
        AddPaged<Half>(new KernelTraits("PagedF16RuntimeHeadsGptOss") { Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true }, blockSize: 32,
            run: (x, o, l, heads) => PagedF16RuntimeHeadsGptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedF16RuntimeHeadsGptOss.Run(q: x.Q, kvCache: kv, layout: layout, sinks: x.Sinks, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            reference: (x, o, l) => PagedF16RuntimeHeadsGptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedF16RuntimeHeadsGptOss.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv),
            writeCacheStacked: (x, key, value, kv, layout) => PagedF16RuntimeHeadsGptOss.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv));
        AddPaged<BFloat16>(new KernelTraits("PagedBF16RuntimeHeadsAlibi") { Visible = (b, h, p, j) => j <= p, Alibi = true }, blockSize: 1,
            run: (x, o, l, heads) => PagedBF16RuntimeHeadsAlibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            runStacked: (x, kv, layout, o, l, heads) => PagedBF16RuntimeHeadsAlibi.Run(q: x.Q, kvCache: kv, layout: layout, slopes: x.Slopes, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            reference: (x, o, l) => PagedBF16RuntimeHeadsAlibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l),
            writeCache: (x, key, value, kc, vc) => PagedBF16RuntimeHeadsAlibi.WriteCache(newKeys: key, newValues: value, keyCache: kc, valueCache: vc, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv),
            writeCacheStacked: (x, key, value, kv, layout) => PagedBF16RuntimeHeadsAlibi.WriteCache(newKeys: key, newValues: value, kvCache: kv, layout: layout, batch: x.Paged, Hq: x.Hq, D: x.D, Hkv: x.Hkv));
    }

    private static void AddVarlenKernels()
    {
        AddVarlen<float>(new KernelTraits("VarlenF32Causal") { ConstHq = 8, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p },
            run: (x, o, l, heads) => VarlenF32Causal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l, heads: heads),
            reference: (x, o, l) => VarlenF32Causal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l));
        AddVarlen<Half>(new KernelTraits("VarlenF16GptOss") { ConstHq = 8, ConstHkv = 1, ConstD = 128, Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true },
            run: (x, o, l, heads) => VarlenF16GptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Batch, lse: l, heads: heads),
            reference: (x, o, l) => VarlenF16GptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, batch: x.Batch, lse: l));
        AddVarlen<BFloat16>(new KernelTraits("VarlenBF16Alibi") { ConstHq = 4, ConstHkv = 2, ConstD = 64, Visible = (b, h, p, j) => j <= p, Alibi = true },
            run: (x, o, l, heads) => VarlenBF16Alibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Batch, lse: l, heads: heads),
            reference: (x, o, l) => VarlenBF16Alibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, batch: x.Batch, lse: l));
        AddVarlen<float>(new KernelTraits("VarlenF32MaskLambda") { ConstHq = 4, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => (p - j) % 3 != 1 || j == 0 },
            run: (x, o, l, heads) => VarlenF32MaskLambda.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l, heads: heads),
            reference: (x, o, l) => VarlenF32MaskLambda.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l));
        AddVarlen<Half>(new KernelTraits("VarlenF16Window") { ConstHq = 8, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => p - 5 <= j && j <= p + 3 },
            run: (x, o, l, heads) => VarlenF16Window.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l, heads: heads),
            reference: (x, o, l) => VarlenF16Window.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, lse: l));
        AddVarlen<float>(new KernelTraits("VarlenF32RuntimeHeadsCausal") { Visible = (b, h, p, j) => j <= p },
            run: (x, o, l, heads) => VarlenF32RuntimeHeadsCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l, heads: heads),
            reference: (x, o, l) => VarlenF32RuntimeHeadsCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, batch: x.Batch, Hq: x.Hq, D: x.D, Hkv: x.Hkv, lse: l));
    }
}
