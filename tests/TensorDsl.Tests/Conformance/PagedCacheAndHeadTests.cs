using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Paged-only behaviour beyond Run vs Reference: head slices (tensor-parallel shards) equal the full Run on their heads
/// bit for bit and leave every other head untouched; <c>WriteCache</c> puts each new token's K/V at its slot (separate
/// and stacked caches alike, nothing else changed), and attention over the updated cache agrees with Reference on it;
/// and the harness itself can fail.
/// </summary>
public sealed class PagedCacheAndHeadTests
{
    private const float Sentinel = 1234.5f;

    private static readonly int[] MixedQ = { 9, 1, 4, 1, 0 };
    private static readonly int[] MixedK = { 9, 70, 40, 1, 5 };

    public static TheoryData<string> HeadSliceKernels => new()
    {
        "PagedF32Causal", "PagedF32Sinks", "PagedF32Alibi", "PagedF32SeqMask", "PagedF16Sinks", "PagedF16Gemma",
        "PagedBF16Alibi", "PagedBF16GptOss", "PagedF32RuntimeHeadsCausal", "PagedF16RuntimeHeadsGptOss",
        "PagedMixF32F16Causal", "PagedMixF32BF16GptOss", "PagedMixBF16F16Alibi", "PagedMixF16F32Softcap",
    };

    [Theory]
    [MemberData(nameof(HeadSliceKernels))]
    public void Head_slices_equal_the_full_run_and_leave_other_heads_untouched(string kernel) =>
        HeadSlices((dynamic)VarlenPagedCatalog.Get(kernel));

    private static void HeadSlices<TQ, TKV>(VarlenEntry<TQ, TKV> entry)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var c = new VarlenCase("heads", entry.Name, MixedQ, MixedK, 77) { Hq = 8, Hkv = 2, D = 64 };
        var m = VarlenHarness.Materialize(entry, c);
        var x = m.Inputs;
        int tokens = m.Built.NumTokens, hq = x.Hq, d = x.D, g = hq / x.Hkv;
        var full = new TQ[tokens * hq * d];
        var fullLse = new float[hq * tokens];
        entry.Run(x, full, fullLse, null);

        var ranges = new List<HeadRange> { new(0, hq), new(0, 1), new(hq - 1, 1), new(1, hq - 2), new(0, g), new(g / 2, g), new(hq / 2, 0) };
        var sentinel = Num.FromDouble<TQ>(Sentinel);
        foreach (var range in ranges.Where(r => r.End <= hq).Distinct())
        {
            foreach (bool stacked in new[] { false, true })
            {
                var output = VarlenHarness.Filled(full.Length, sentinel);
                var lse = VarlenHarness.Filled(fullLse.Length, Sentinel);
                if (stacked) entry.RunStacked!(x, VarlenHarness.Stack(x.K, x.V, m.Built.NumBlocks, KvCacheLayout.BlocksFirst), KvCacheLayout.BlocksFirst, output, lse, range);
                else entry.Run(x, output, lse, range);
                for (int t = 0; t < tokens; t++)
                for (int h = 0; h < hq; h++)
                {
                    bool inside = h >= range.Start && h < range.End;
                    string at = $"{entry.Name} heads {range} (stacked: {stacked}) token {t} head {h}";
                    Assert.True(inside ? BitEqual(fullLse[h * tokens + t], lse[h * tokens + t]) : lse[h * tokens + t] == Sentinel, at + " lse");
                    for (int e = 0; e < d; e++)
                    {
                        int o = (t * hq + h) * d + e;
                        var expected = inside ? full[o] : sentinel;
                        Assert.True(VarlenHarness.Bits(new[] { expected }).SequenceEqual(VarlenHarness.Bits(new[] { output[o] })), $"{at} out[{e}]");
                    }
                }
            }
        }
    }

    [Fact]
    public void A_head_range_past_Hq_is_rejected_untouched()
    {
        var entry = VarlenPagedCatalog.Get<float, float>("PagedF32Causal");
        var m = VarlenHarness.Materialize(entry, new VarlenCase("heads", entry.Name, MixedQ, MixedK, 3));
        var output = VarlenHarness.Filled(m.Built.NumTokens * 8 * 64, Sentinel);
        var e = Assert.Throws<ShapeException>(() => entry.Run(m.Inputs, output, Span<float>.Empty, new HeadRange(6, 3)));
        Assert.Equal("heads", e.Parameter);
        Assert.All(output, x => Assert.Equal(Sentinel, x));
    }

    public static TheoryData<string> CacheWriteKernels => new()
    {
        "PagedF32Causal", "PagedF32WindowCausal", "PagedF32ChunkedCausal", "PagedF16Sinks", "PagedBF16GptOss", "PagedBF16SeqMask",
        "PagedF32RuntimeHeadsCausal", "PagedBF16RuntimeHeadsAlibi",
        // The KV cache in its own type: new keys/values and caches are that type, q and the output the query's.
        "PagedMixF32F16Causal", "PagedMixF32BF16GptOss", "PagedMixBF16F16Alibi", "PagedMixF16F32Softcap", "PagedMixF32F16RuntimeHeads",
    };

    /// <summary>
    /// A serving step: the cache holds each sequence's context; WriteCache stores this step's new K/V (the last Lq
    /// positions of every sequence, one of them skipped with slot −1 and written by hand instead), then attention runs
    /// over the updated cache. Both stacked layouts, written by the stacked overload, must equal the separate caches.
    /// </summary>
    [Theory]
    [MemberData(nameof(CacheWriteKernels))]
    public void WriteCache_then_attention_over_the_updated_cache(string kernel) =>
        WriteThenAttend((dynamic)VarlenPagedCatalog.Get(kernel));

    private static void WriteThenAttend<TQ, TKV>(VarlenEntry<TQ, TKV> entry)
        where TQ : unmanaged
        where TKV : unmanaged
    {
        var c = new VarlenCase("write", entry.Name, new[] { 6, 1, 1, 3, 0 }, new[] { 6, 50, 17, 40, 9 }, 41) { Hq = 4, Hkv = 2, D = 64 };
        var m = VarlenHarness.Materialize(entry, c);
        var built = m.Built;
        var x = m.Inputs;
        int hkv = x.Hkv, d = x.D, row = hkv * d, tokens = built.NumTokens;
        var random = new Random(99);
        var key = Num.FromDouble<TKV>(VarlenHarness.Uniform(random, tokens * row, 1));
        var value = Num.FromDouble<TKV>(VarlenHarness.Uniform(random, tokens * row, 1));

        // Token 2 is padding (slot −1): WriteCache must skip it.
        var slots = (int[])built.SlotMapping.Clone();
        int skippedSlot = slots[2];
        slots[2] = -1;
        var batch = PagedBatch.Create(built.QueryStartLoc, built.SeqLens, built.BlockTable, built.MaxBlocks, slots);
        var xb = x.With(x.K, x.V, batch);

        var keyCache = (TKV[])x.K.Clone();
        var valueCache = (TKV[])x.V.Clone();
        entry.WriteCache!(xb, key, value, keyCache, valueCache);
        for (int slot = 0; slot < built.NumBlocks * built.BlockSize; slot++)
        {
            int t = Array.IndexOf(slots, slot);
            var expectedK = t >= 0 ? key.AsSpan(t * row, row) : x.K.AsSpan(slot * row, row);
            var expectedV = t >= 0 ? value.AsSpan(t * row, row) : x.V.AsSpan(slot * row, row);
            Assert.True(expectedK.SequenceEqual(keyCache.AsSpan(slot * row, row)), $"key cache slot {slot} (token {t})");
            Assert.True(expectedV.SequenceEqual(valueCache.AsSpan(slot * row, row)), $"value cache slot {slot} (token {t})");
        }

        foreach (var layout in new[] { KvCacheLayout.BlocksFirst, KvCacheLayout.KvFirst })
        {
            var stacked = VarlenHarness.Stack(x.K, x.V, built.NumBlocks, layout);
            entry.WriteCacheStacked!(xb, key, value, stacked, layout);
            Assert.True(VarlenHarness.Stack(keyCache, valueCache, built.NumBlocks, layout).AsSpan().SequenceEqual(stacked), $"stacked {layout} write");
        }

        // The skipped token's K/V arrives by another route (as vLLM's padding would be overwritten later).
        key.AsSpan(2 * row, row).CopyTo(keyCache.AsSpan(skippedSlot * row, row));
        value.AsSpan(2 * row, row).CopyTo(valueCache.AsSpan(skippedSlot * row, row));
        var updated = x.With(keyCache, valueCache);
        var raw = new RawInputs(entry.Traits, m.Bounds)
        {
            Q = m.Raw.Q, K = Num.ToDouble(keyCache), V = Num.ToDouble(valueCache), Slopes = m.Raw.Slopes, Sinks = m.Raw.Sinks,
        };
        var mu = new VarlenMaterialized<TQ, TKV>
        {
            Built = built, Inputs = updated, Raw = raw, Bounds = m.Bounds, Tolerance = Tolerance.For<TQ>(entry.Traits, m.Bounds, raw),
        };
        VarlenHarness.Compare(entry, mu, updated, $"{entry.Name} after WriteCache");

        // And the new tokens really take part: attention over the stale cache differs somewhere.
        var before = new TQ[tokens * x.Hq * d];
        var after = new TQ[before.Length];
        entry.Run(x, before, Span<float>.Empty, null);
        entry.Run(updated, after, Span<float>.Empty, null);
        Assert.False(before.AsSpan().SequenceEqual(after), "attention ignored the tokens WriteCache stored");
    }

    /// <summary>The comparisons are able to fail: a Run that answers with another kernel's mask is rejected.</summary>
    [Fact]
    public void The_harness_rejects_a_kernel_with_the_wrong_mask()
    {
        var causal = VarlenPagedCatalog.Get<float, float>("PagedF32Causal");
        var plain = VarlenPagedCatalog.Get<float, float>("PagedF32Sinks");
        var wrong = new VarlenEntry<float, float>(causal.Traits, causal.BlockSize, causal.Run, (x, o, l) => plain.Reference(x.With(x.K, x.V), o, l));
        Assert.ThrowsAny<Exception>(() => wrong.Check(new VarlenCase("self-test", causal.Name, MixedQ, MixedK, 5)));
    }

    [Fact]
    public void The_harness_rejects_a_run_that_ignores_the_block_table()
    {
        var causal = VarlenPagedCatalog.Get<float, float>("PagedF32Causal");
        var wrong = new VarlenEntry<float, float>(causal.Traits, causal.BlockSize, (x, o, l, h) =>
        {
            // Blocks in table order 0, 1, 2, …: what a kernel that ignored the shuffled block ids would read.
            var p = x.Paged;
            int max = p.MaxBlocksPerSequence, b = p.NumSequences;
            var table = Enumerable.Range(0, b * max).Select(e => Math.Min(e, x.K.Length / (16 * 2 * 64) - 1)).ToArray();
            var linear = PagedBatch.Create(p.QueryStartLoc, p.SeqLens, table, max);
            causal.Run(x.With(x.K, x.V, linear), o, l, h);
        }, causal.Reference);
        Assert.ThrowsAny<Exception>(() => wrong.Check(new VarlenCase("self-test", causal.Name, MixedQ, MixedK, 6)));
    }

    private static bool BitEqual(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);
}
