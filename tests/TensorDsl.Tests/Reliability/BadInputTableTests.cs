using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.Cpu;
using TensorDsl.Tests.Conformance;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Reliability;

/// <summary>
/// The rows of the bad-input table (docs/reliability.md) that <see cref="ValidationTests"/>,
/// <see cref="PagedValidationTests"/> and Runtime/MetadataTests do not already cover: empty spans, run-time sizes that
/// disagree with the spans, products past int on the paged/varlen entry points, overlaps other than output-on-q,
/// WriteCache's own spans, and metadata changed after <c>Create</c>. Each row: the documented exception type
/// (docs/semantics.md#validation: <see cref="ShapeException"/> for sizes and metadata, <see cref="ArgumentException"/>
/// for overlapping buffers), <c>ParamName</c> the public parameter at fault, its name in the message, and every
/// buffer the call could write bit for bit unchanged.
/// </summary>
public sealed class BadInputTableTests
{
    private const float Sentinel = 1234.5f;

    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public BadInputTableTests(Xunit.Abstractions.ITestOutputHelper output) => _output = output;

    // Dense run-time-size call: B 1, Hq 4, Hkv 2, Sq 3, Sk 5, D 8 → q/output 96, k/v 80, lse 12, sinks 4.
    private const int B = 1, Hq = 4, Hkv = 2, Sq = 3, Sk = 5, D = 8, QLen = B * Hq * Sq * D, KvLen = B * Hkv * Sk * D, LseLen = B * Hq * Sq;

    /// <summary>A prepared call: the buffers it may write (already holding their contents) and the call.</summary>
    private sealed record Invocation(Array[] Written, Action Call);

    /// <summary><paramref name="AlsoNamed"/>: another parameter the message must name (the other side of an overlap).</summary>
    private sealed record Row(Type Exception, string Parameter, Func<Invocation> Setup, string? AlsoNamed = null);

    private static readonly Dictionary<string, Row> Rows = new()
    {
        // ---- empty and short spans, sizes that disagree with them ---------------------------------------------------
        ["dense Run: q empty with non-zero sizes"] = new(typeof(ShapeException), "q", () => Dense(q: Array.Empty<float>())),
        ["dense Reference: q empty with non-zero sizes"] = new(typeof(ShapeException), "q", () => Dense(q: Array.Empty<float>(), reference: true)),
        ["dense Run: sinks empty (a required side input)"] = new(typeof(ShapeException), "sinks", () => Dense(sinks: Array.Empty<float>())),
        ["dense Run: output empty with non-zero sizes"] = new(typeof(ShapeException), "output", () => Dense(output: Array.Empty<float>())),
        ["paged Run: q empty"] = new(typeof(ShapeException), "q", () => Paged(q: Array.Empty<float>())),
        ["paged Run: k cache empty while a sequence reads blocks"] = new(typeof(ShapeException), "blockTable", () => Paged(kEmpty: true)),
        ["paged Run: run-time D disagrees with q's length"] = new(typeof(ShapeException), "q", () => Paged(d: 16)),
        ["paged Run: Hq negative"] = new(typeof(ShapeException), "Hq", () => Paged(hq: -4)),
        ["paged Run: Hq not a multiple of Hkv"] = new(typeof(ShapeException), "q", () => Paged(hq: 6, hkv: 4)),
        ["paged Run: T·Hq·D past int"] = new(typeof(ShapeException), "q", () => Paged(hq: 1 << 17, hkv: 1, d: 1 << 12, kD: 1 << 12)),
        ["varlen Run: k shorter than Σ seq_lens"] = new(typeof(ShapeException), "k", () => Varlen(kDelta: -1)),
        ["varlen Run: Hq·D past int"] = new(typeof(ShapeException), "q", () => Varlen(hq: 1 << 16, d: 1 << 16)),

        // ---- overlaps (output on q is PagedValidationTests' row) -------------------------------------------------------
        ["dense Run: output is q (in place)"] = new(typeof(ArgumentException), "output", () => DenseOverlap(Alias.OutputIsQ), "q"),
        ["dense Reference: output is q (in place)"] = new(typeof(ArgumentException), "output", () => DenseOverlap(Alias.OutputIsQ, reference: true), "q"),
        ["dense Run: output's last element is k's first"] = new(typeof(ArgumentException), "output", () => DenseOverlap(Alias.OutputOnK), "k"),
        ["dense Run: output's last element is v's first"] = new(typeof(ArgumentException), "output", () => DenseOverlap(Alias.OutputOnV), "v"),
        ["dense Run: output overlapping sinks"] = new(typeof(ArgumentException), "output", () => DenseOverlap(Alias.OutputOnSinks), "sinks"),
        ["dense Run: lse overlapping q"] = new(typeof(ArgumentException), "lse", () => DenseOverlap(Alias.LseOnQ), "q"),
        ["dense Run: lse inside output"] = new(typeof(ArgumentException), "lse", () => DenseOverlap(Alias.LseInOutput), "output"),
        ["varlen Run: output overlapping v"] = new(typeof(ArgumentException), "output", () => Varlen(outputOnV: true), "v"),
        ["WriteCache: keyCache is valueCache"] = new(typeof(ArgumentException), "keyCache", () => Write(Alias.KeyCacheIsValueCache), "valueCache"),

        // ---- metadata changed after Create (documented: voids the validation; the kernel must still bounds-check) ------
        ["paged Run: block id set to N after Create"] = new(typeof(ShapeException), "blockTable", () => Paged(mutate: m => m.Table[0] = m.NumBlocks)),
        ["paged Run: seq_lens grown past its row after Create"] = new(typeof(ShapeException), "seqLens", () => Paged(mutate: m => m.SeqLens[1] = 1000)),
        ["varlen Run: query_start_loc made non-monotonic after Create"] = new(typeof(ShapeException), "queryStartLoc", () => Varlen(mutate: m => m.Loc[1] = -1)),
        ["varlen Run: seq_lens below the query length after Create"] = new(typeof(ShapeException), "seqLens", () => Varlen(mutate: m => m.SeqLens[0] = 0)),
        ["paged Run: query_start_loc made non-monotonic after Create"] = new(typeof(ShapeException), "queryStartLoc", () => Paged(mutate: m => m.Loc[1] = -1)),
        ["WriteCache: slot set past the cache after Create"] = new(typeof(ShapeException), "slotMapping", () => Write(Alias.None, mutate: m => m.Slots[0] = m.NumBlocks * 16)),

        // ---- names that were wrong until fixed (the public parameter, not an internal one) ---------------------------------
        ["WriteCache: newKeys shorter than T·Hkv·D"] = new(typeof(ShapeException), "newKeys", () => Write(Alias.None, keysDelta: -1)),
        ["WriteCache: newKeys overlapping keyCache"] = new(typeof(ArgumentException), "keyCache", () => Write(Alias.NewKeysInKeyCache), "newKeys"),
        ["paged Run: Hkv 0"] = new(typeof(ShapeException), "Hkv", () => Paged(hkv: 0)),
    };

    public static TheoryData<string> Names => new(Rows.Keys);


    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_input_throws_the_documented_exception_naming_the_parameter(string row) => Check(Rows[row]);


    /// <summary>
    /// Metadata changed after <c>Create</c> (docs/semantics.md#metadata: the batch holds the arrays; a change voids the
    /// validation, and the kernels bounds-check what they read). Under guard pages — q, k, v read-only and flush
    /// against PROT_NONE, the metadata too — the call either throws (<see cref="InvalidOperationException"/> from the
    /// driver's row check, or an <see cref="ArgumentException"/>) or finishes; it never reads or writes out of bounds.
    /// </summary>
    [GuardPageTheory]
    [InlineData("varlen", "seq_lens[last] += 5 (past k)")]
    [InlineData("varlen", "query_start_loc[1] = query_start_loc[2] + 1 (non-monotonic)")]
    [InlineData("varlen", "query_start_loc[2] += 7 (past q)")]
    [InlineData("varlen", "seq_lens[0] = 0 (below the query length)")]
    [InlineData("paged", "seq_lens[1] = 64 (the whole row, padding entries read)")]
    [InlineData("paged", "block_table[0] = N")]
    [InlineData("paged", "query_start_loc[2] += 7 (past q)")]
    [InlineData("paged", "seq_lens[0] = 0 (below the query length)")]
    public void Metadata_changed_after_Create_never_reads_out_of_bounds(string kind, string change)
    {
        foreach (var side in new[] { GuardSide.End, GuardSide.Start })
        {
            var built = BuiltBatch.Build(new[] { 3, 1 }, new[] { 3, 20 }, kind == "paged" ? 16 : 0, seed: 4);
            using var arena = new GuardedArena(side);
            var loc = arena.WritableMetadata(built.QueryStartLoc);
            var lens = arena.WritableMetadata(built.SeqLens);
            var table = arena.WritableMetadata(built.BlockTable);
            VarlenBatch batch = kind == "paged"
                ? PagedBatch.Create(loc, lens, table, built.MaxBlocks, arena.WritableMetadata(built.SlotMapping))
                : VarlenBatch.Create(loc, lens);
            switch (change[..change.IndexOf(' ')])
            {
                case "seq_lens[last]": lens.Span[^1] += 5; break;
                case "query_start_loc[1]": loc.Span[1] = loc.Span[2] + 1; break;
                case "query_start_loc[2]": loc.Span[2] += 7; break;
                case "seq_lens[0]": lens.Span[0] = 0; break;
                case "seq_lens[1]": lens.Span[1] = 64; break;
                case "block_table[0]": table.Span[0] = built.NumBlocks; break;
                default: throw new InvalidOperationException("Test bug: " + change);
            }

            int t = built.NumTokens;
            int kvLength = kind == "paged" ? built.NumBlocks * 16 * 2 * 8 : built.TotalKv * 2 * 8;
            var q = arena.Input<float>(Filled(t * 4 * 8, 0.5f));
            var k = arena.Input<float>(Filled(kvLength, 0.25f));
            var v = arena.Input<float>(Filled(kvLength, 0.75f));
            var output = arena.Output<float>(Filled(t * 4 * 8, Sentinel));
            var lse = arena.Output<float>(Filled(4 * t, Sentinel));
            Exception? thrown = null;
            try
            {
                if (kind == "paged") PagedF32RuntimeHeadsCausal.Run(q: q, k: k, v: v, output: output, batch: (PagedBatch)batch, Hq: 4, D: 8, Hkv: 2, lse: lse);
                else VarlenF32RuntimeHeadsCausal.Run(q: q, k: k, v: v, output: output, batch: batch, Hq: 4, D: 8, Hkv: 2, lse: lse);
            }
            catch (Exception e)
            {
                thrown = e;
            }

            Assert.True(thrown is null or InvalidOperationException or ArgumentException,
                $"{kind} {change} ({side}): unexpected {thrown?.GetType().Name}: {thrown?.Message}");
            _output.WriteLine($"{kind} {change} ({side}): " + (thrown is null ? "finishes" : $"{thrown.GetType().Name}: {thrown.Message}"));
        }
    }


    private static void Check(Row row)
    {
        var call = row.Setup();
        var before = call.Written.Select(Snapshot).ToArray();
        var e = Assert.Throws(row.Exception, call.Call);
        var argument = Assert.IsAssignableFrom<ArgumentException>(e);
        Assert.Equal(row.Parameter, argument.ParamName);
        Assert.Contains(row.Parameter, e.Message);
        if (row.AlsoNamed is not null) Assert.Contains(row.AlsoNamed, e.Message);
        if (e is ShapeException shape) Assert.Equal(row.Parameter, shape.Parameter);
        for (int n = 0; n < call.Written.Length; n++)
            Assert.True(before[n].SequenceEqual(Snapshot(call.Written[n])), $"buffer {n} was written before the throw");
    }

    private static byte[] Snapshot(Array a) => a switch
    {
        float[] f => f.SelectMany(BitConverter.GetBytes).ToArray(),
        int[] i => i.SelectMany(BitConverter.GetBytes).ToArray(),
        _ => throw new NotSupportedException(a.GetType().Name),
    };

    // ---- dense -----------------------------------------------------------------------------------------------------

    private static Invocation Dense(float[]? q = null, float[]? sinks = null, float[]? output = null, bool reference = false)
    {
        q ??= Filled(QLen, 0.5f);
        var k = Filled(KvLen, 0.25f);
        var v = Filled(KvLen, 0.75f);
        sinks ??= Filled(Hq, 0.1f);
        output ??= Filled(QLen, Sentinel);
        var lse = Filled(LseLen, Sentinel);
        return new(new Array[] { output, lse }, () =>
        {
            if (reference) F32BhsdSinks.Reference(q: q, k: k, v: v, sinks: sinks, output: output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
            else F32BhsdSinks.Run(q: q, k: k, v: v, sinks: sinks, output: output, B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: lse);
        });
    }

    private enum Alias { None, OutputIsQ, OutputOnK, OutputOnV, OutputOnSinks, LseOnQ, LseInOutput, KeyCacheIsValueCache, NewKeysInKeyCache }

    private static Invocation DenseOverlap(Alias alias, bool reference = false)
    {
        // One buffer holds everything; each alias places two spans so that they share memory.
        var all = Filled(4096, Sentinel);
        int qAt = 0, kAt = 200, vAt = 400, sinksAt = 600, outAt = 1000, lseAt = 1200;
        switch (alias)
        {
            case Alias.OutputIsQ: outAt = qAt; break;
            case Alias.OutputOnK: outAt = kAt - QLen + 1; break;
            case Alias.OutputOnV: outAt = vAt - QLen + 1; break;
            case Alias.OutputOnSinks: outAt = sinksAt - 10; break;
            case Alias.LseOnQ: lseAt = qAt + QLen - 3; break;
            case Alias.LseInOutput: lseAt = outAt + 20; break;
        }

        return new(new Array[] { all }, () =>
        {
            var a = all.AsSpan();
            if (reference) F32BhsdSinks.Reference(q: a.Slice(qAt, QLen), k: a.Slice(kAt, KvLen), v: a.Slice(vAt, KvLen), sinks: a.Slice(sinksAt, Hq), output: a.Slice(outAt, QLen), B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: a.Slice(lseAt, LseLen));
            else F32BhsdSinks.Run(q: a.Slice(qAt, QLen), k: a.Slice(kAt, KvLen), v: a.Slice(vAt, KvLen), sinks: a.Slice(sinksAt, Hq), output: a.Slice(outAt, QLen), B: B, Hq: Hq, Sq: Sq, D: D, Hkv: Hkv, Sk: Sk, lse: a.Slice(lseAt, LseLen));
        });
    }

    // ---- paged and varlen --------------------------------------------------------------------------------------------

    /// <summary>The metadata arrays a batch holds (not copies): a row may change them after Create.</summary>
    private sealed record Meta(int[] Loc, int[] SeqLens, int[] Table, int[] Slots, int NumBlocks);

    private static (BuiltBatch Built, Meta Meta) Batch(int blockSize)
    {
        var built = BuiltBatch.Build(new[] { 3, 1 }, new[] { 3, 20 }, blockSize, seed: 4);
        return (built, new Meta(built.QueryStartLoc, built.SeqLens, built.BlockTable, built.SlotMapping, built.NumBlocks));
    }

    private static Invocation Paged(float[]? q = null, bool kEmpty = false, int hq = 4, int hkv = 2, int d = 8, Action<Meta>? mutate = null, int kD = 8)
    {
        var (built, meta) = Batch(16);
        int t = built.NumTokens;
        q ??= Filled(t * 4 * 8, 0.5f);
        var k = kEmpty ? Array.Empty<float>() : Filled(built.NumBlocks * 16 * (kD == 8 ? 2 : 1) * kD, 0.25f);
        var v = kEmpty ? Array.Empty<float>() : Filled(built.NumBlocks * 16 * (kD == 8 ? 2 : 1) * kD, 0.75f);
        var output = Filled(t * 4 * 8, Sentinel);
        var lse = Filled(4 * t, Sentinel);
        mutate?.Invoke(meta);
        return new(new Array[] { output, lse, k, v }, () =>
            PagedF32RuntimeHeadsCausal.Run(q: q, k: k, v: v, output: output, batch: built.Paged, Hq: hq, D: d, Hkv: hkv, lse: lse));
    }

    private static Invocation Varlen(int kDelta = 0, int hq = 4, int d = 8, bool outputOnV = false, Action<Meta>? mutate = null)
    {
        var (built, meta) = Batch(0);
        int t = built.NumTokens, tk = built.TotalKv;
        var q = Filled(t * 4 * 8, 0.5f);
        var k = Filled(tk * 2 * 8 + kDelta * 2 * 8, 0.25f);
        var shared = Filled(tk * 2 * 8 + t * 4 * 8, 0.75f);
        var output = Filled(t * 4 * 8, Sentinel);
        var lse = Filled(4 * t, Sentinel);
        mutate?.Invoke(meta);
        return new(new Array[] { output, lse, shared }, () =>
        {
            var v = shared.AsSpan(0, tk * 2 * 8);
            var o = outputOnV ? shared.AsSpan(tk * 2 * 8 - 1, t * 4 * 8) : output;
            VarlenF32RuntimeHeadsCausal.Run(q: q, k: k, v: v, output: o, batch: built.Batch, Hq: hq, D: d, Hkv: 2, lse: lse);
        });
    }

    private static Invocation Write(Alias alias, int keysDelta = 0, Action<Meta>? mutate = null)
    {
        // PagedF32Causal: Hkv 2, D 64, BlockSize 16.
        var (built, meta) = Batch(16);
        int t = built.NumTokens, row = 2 * 64, cache = built.NumBlocks * 16 * row;
        var keys = Filled(t * row + keysDelta, 0.5f);
        var values = Filled(t * row, 0.25f);
        var all = Filled(2 * cache, Sentinel);
        mutate?.Invoke(meta);
        return new(new Array[] { all }, () =>
        {
            var a = all.AsSpan();
            var keyCache = a.Slice(0, cache);
            var valueCache = alias == Alias.KeyCacheIsValueCache ? keyCache : a.Slice(cache, cache);
            ReadOnlySpan<float> newKeys = alias == Alias.NewKeysInKeyCache ? keyCache.Slice(0, t * row) : keys;
            PagedF32Causal.WriteCache(newKeys: newKeys, newValues: values, keyCache: keyCache, valueCache: valueCache, batch: built.Paged);
        });
    }

    private static float[] Filled(int length, float value)
    {
        var a = new float[length];
        Array.Fill(a, value);
        return a;
    }
}
