using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Bad paged/varlen input at run time, one row per fault: the call throws <see cref="ShapeException"/> (or the
/// documented exception: <see cref="ArgumentException"/> for overlapping buffers, <see cref="ArgumentNullException"/>
/// for a null batch) naming the parameter, through Run, the stacked Run and Reference alike, and every buffer it
/// could write (output, LSE, caches) comes back bit for bit unchanged.
/// </summary>
public sealed class PagedValidationTests
{
    private const float Sentinel = 1234.5f;
    private const int Hq = 8, Hkv = 2, D = 64, Bs = 16, Row = Hq * D;

    // Sequence 0: prefill of 3 tokens; sequence 1: decode at position 19. N = 1 + 2 used + 3 spare blocks, 4 entries a row.
    private static readonly int[] QLens = { 3, 1 };
    private static readonly int[] KLens = { 3, 20 };

    public enum Entry { Run, RunStacked, Reference, WriteCache, WriteCacheStacked }

    /// <summary>A prepared call: the buffers it may write (snapshotted) and the call.</summary>
    private sealed record Invocation(Array[] Written, Action Call);

    private sealed record Scenario(Type Exception, string Parameter, Entry[] Entries, Func<Entry, Invocation> Setup);

    private static readonly Entry[] Attention = { Entry.Run, Entry.RunStacked, Entry.Reference };
    private static readonly Entry[] Writes = { Entry.WriteCache, Entry.WriteCacheStacked };

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["block_table entry ≥ N"] = new(typeof(ShapeException), "blockTable", Attention, e => Call(e, table: (t, n) => t[1 * 4 + 1] = n)),
        ["block_table entry negative"] = new(typeof(ShapeException), "blockTable", Attention, e => Call(e, table: (t, n) => t[0] = -1)),
        ["seq_lens beyond the blocks a row has"] = new(typeof(ShapeException), "seqLens", Attention, e => Call(e, seqLens: new[] { 3, 4 * Bs + 1 })),
        ["query_start_loc last entry ≠ T (q length)"] = new(typeof(ShapeException), "q", Attention, e => Call(e, qTokens: 5)),
        ["slot_mapping past the cache"] = new(typeof(ShapeException), "slotMapping", Attention.Concat(Writes).ToArray(), e => Call(e, slots: (s, n) => s[3] = n * Bs)),
        ["the same slot written twice"] = new(typeof(ShapeException), "slotMapping", Writes, e => Call(e, slots: (s, n) => s[2] = s[0])),
        ["output overlapping q (one row after it)"] = new(typeof(ArgumentException), "output", Attention, e => Call(e, overlap: Overlap.OutputOnQ)),
        ["lse overlapping output"] = new(typeof(ArgumentException), "lse", Attention, e => Call(e, overlap: Overlap.LseOnOutput)),
        ["null batch"] = new(typeof(ArgumentNullException), "batch", Attention.Concat(Writes).ToArray(), e => Call(e, nullBatch: true)),
        ["Hq negative"] = new(typeof(ShapeException), "Hq", Attention, e => Call(e, runtime: (-8, Hkv, D))),
        ["Hkv negative"] = new(typeof(ShapeException), "Hkv", Attention, e => Call(e, runtime: (Hq, -2, D))),
        ["D negative"] = new(typeof(ShapeException), "D", Attention, e => Call(e, runtime: (Hq, Hkv, -64))),
    };

    public static TheoryData<string, Entry> Cases()
    {
        var data = new TheoryData<string, Entry>();
        foreach (var (name, s) in Scenarios)
            foreach (var e in s.Entries) data.Add(name, e);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_throws_naming_the_parameter_and_writes_nothing(string scenario, Entry entry)
    {
        var s = Scenarios[scenario];
        var call = s.Setup(entry);
        var before = call.Written.Select(Snapshot).ToArray();
        var e = Assert.Throws(s.Exception, call.Call);
        var argument = Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Equal(s.Parameter, argument.ParamName);
        Assert.Contains(s.Parameter, e.Message);
        if (e is ShapeException shape) Assert.Equal(s.Parameter, shape.Parameter);
        for (int n = 0; n < call.Written.Length; n++)
            Assert.True(before[n].SequenceEqual(Snapshot(call.Written[n])), $"buffer {n} was written before the throw");
    }

    // ---- metadata faults that PagedBatch.Create / VarlenBatch.Create catch ----------------------------------------

    [Fact]
    public void Seq_lens_below_the_query_length_is_rejected_at_Create()
    {
        var e = Assert.Throws<ShapeException>(() => PagedBatch.Create(new[] { 0, 3, 4 }, new[] { 2, 20 }, new int[8], 4));
        Assert.Equal("seqLens", e.Parameter);
        Assert.Equal("[0]", e.Dimension);
        Assert.Equal(2, e.Actual);
        var v = Assert.Throws<ShapeException>(() => VarlenBatch.Create(new[] { 0, 3, 4 }, new[] { 3, 0 }));
        Assert.Equal("seqLens", v.Parameter);
    }

    [Fact]
    public void Non_monotonic_query_start_loc_is_rejected_at_Create()
    {
        var e = Assert.Throws<ShapeException>(() => PagedBatch.Create(new[] { 0, 3, 2 }, new[] { 3, 20 }, new int[8], 4));
        Assert.Equal("queryStartLoc", e.Parameter);
        Assert.Equal("[2]", e.Dimension);
        Assert.Equal("queryStartLoc", Assert.Throws<ShapeException>(() => VarlenBatch.Create(new[] { 0, 3, 2 }, new[] { 3, 20 })).Parameter);
        Assert.Equal("queryStartLoc", Assert.Throws<ShapeException>(() => VarlenBatch.Create(new[] { 1, 3 }, new[] { 3 })).Parameter);
    }

    [Fact]
    public void Slot_mapping_and_block_table_lengths_are_checked_at_Create()
    {
        Assert.Equal("slotMapping", Assert.Throws<ShapeException>(() => PagedBatch.Create(new[] { 0, 3, 4 }, new[] { 3, 20 }, new int[8], 4, new int[3])).Parameter);
        Assert.Equal("blockTable", Assert.Throws<ShapeException>(() => PagedBatch.Create(new[] { 0, 3, 4 }, new[] { 3, 20 }, new int[7], 4)).Parameter);
    }

    // ---- the calls ------------------------------------------------------------------------------------------------

    private enum Overlap { None, OutputOnQ, LseOnOutput }

    private static Invocation Call(
        Entry entry, Action<int[], int>? table = null, int[]? seqLens = null, int? qTokens = null, Action<int[], int>? slots = null,
        Overlap overlap = Overlap.None, bool nullBatch = false, (int Hq, int Hkv, int D)? runtime = null)
    {
        var built = BuiltBatch.Build(QLens, KLens, Bs, 11);
        int n = built.NumBlocks, tokens = built.NumTokens;
        var blockTable = (int[])built.BlockTable.Clone();
        table?.Invoke(blockTable, n);
        var slotMapping = (int[])built.SlotMapping.Clone();
        slots?.Invoke(slotMapping, n);
        var batch = nullBatch ? null! : PagedBatch.Create(built.QueryStartLoc, seqLens ?? KLens, blockTable, built.MaxBlocks, slotMapping);

        var random = new Random(5);
        float[] Data(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        int cacheLength = n * Bs * Hkv * D;
        var k = Data(cacheLength);
        var v = Data(cacheLength);
        var stacked = VarlenHarness.Stack(k, v, n, KvCacheLayout.KvFirst);
        var key = Data(tokens * Hkv * D);
        var value = Data(tokens * Hkv * D);

        // q and output; with OutputOnQ both live in one array, output one token row after q.
        var shared = Data((qTokens ?? tokens) * Row + Row);
        float[] q = overlap == Overlap.OutputOnQ ? shared : Data((qTokens ?? tokens) * Row);
        float[] output = VarlenHarness.Filled(tokens * Row, Sentinel);
        float[] lse = VarlenHarness.Filled(Hq * tokens, Sentinel);
        var written = new List<Array> { output, lse };
        Func<Span<float>> outSpan = () => output;
        Func<Span<float>> lseSpan = () => lse;
        Func<ReadOnlySpan<float>> qSpan = () => q.AsSpan(0, (qTokens ?? tokens) * Row);
        if (overlap == Overlap.OutputOnQ)
        {
            outSpan = () => shared.AsSpan(Row, tokens * Row);
            written.Add(shared);
        }
        else if (overlap == Overlap.LseOnOutput)
        {
            var both = VarlenHarness.Filled(tokens * Row + Hq * tokens, Sentinel);
            outSpan = () => both.AsSpan(0, tokens * Row);
            lseSpan = () => both.AsSpan(tokens * Row - 1, Hq * tokens);
            written.Add(both);
        }

        if (runtime is { } dims)
        {
            var (hq, hkv, d) = dims;
            return entry switch
            {
                Entry.Run => new(written.ToArray(), () => Kernels.PagedF32RuntimeHeadsCausal.Run(qSpan(), k, v, outSpan(), batch, hq, d, hkv, lseSpan())),
                Entry.RunStacked => new(written.ToArray(), () => Kernels.PagedF32RuntimeHeadsCausal.Run(qSpan(), stacked, KvCacheLayout.KvFirst, outSpan(), batch, hq, d, hkv, lseSpan())),
                _ => new(written.ToArray(), () => Kernels.PagedF32RuntimeHeadsCausal.Reference(qSpan(), k, v, outSpan(), batch, hq, d, hkv, lseSpan())),
            };
        }

        return entry switch
        {
            Entry.Run => new(written.ToArray(), () => Kernels.PagedF32Causal.Run(qSpan(), k, v, outSpan(), batch, lseSpan())),
            Entry.RunStacked => new(written.ToArray(), () => Kernels.PagedF32Causal.Run(qSpan(), stacked, KvCacheLayout.KvFirst, outSpan(), batch, lseSpan())),
            Entry.Reference => new(written.ToArray(), () => Kernels.PagedF32Causal.Reference(qSpan(), k, v, outSpan(), batch, lseSpan())),
            Entry.WriteCache => new(new Array[] { k, v }, () => Kernels.PagedF32Causal.WriteCache(key, value, k, v, batch)),
            _ => new(new Array[] { stacked }, () => Kernels.PagedF32Causal.WriteCache(key, value, stacked, KvCacheLayout.KvFirst, batch)),
        };
    }

    private static byte[] Snapshot(Array array) => array switch
    {
        float[] f => VarlenHarness.Bits(f),
        _ => throw new NotSupportedException(array.GetType().Name),
    };
}
