using System;
using System.Linq;
using TensorDsl.Tests.Conformance;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Reliability;

/// <summary>
/// The NaN/±∞ rows of the bad-input table for paged and varlen calls (dense ones: EdgeCaseTests, NumericEdgeTests,
/// SplitKvTests), under guard pages (docs/semantics.md#nan-inf): non-finite values anywhere never make a call throw or
/// leave its buffers; Run and Reference put NaN in the same (token, head) rows; and NaN/±∞ in cache blocks no
/// sequence reads never reach any output.
/// </summary>
public sealed class NonFiniteInputTests
{
    private const int Hq = 4, Hkv = 2, D = 8, Bs = 16;
    private static readonly float[] Poison = { float.NaN, float.PositiveInfinity, float.NegativeInfinity };

    [GuardPageTheory]
    [InlineData(GuardSide.End)]
    [InlineData(GuardSide.Start)]
    public void Paged_poison_in_blocks_no_sequence_reads_never_reaches_the_output(GuardSide side)
    {
        var built = BuiltBatch.Build(new[] { 5, 1, 3, 0 }, new[] { 5, 40, 19, 7 }, Bs, seed: 21, extraBlocks: 4);
        int t = built.NumTokens, row = Hkv * D;
        var q = Values(t * Hq * D, 1);
        var k = Values(built.NumBlocks * Bs * row, 2);
        var v = Values(built.NumBlocks * Bs * row, 3);
        var clean = Run(side, built, q, k, v);

        // Poison every slot no sequence's keys occupy: spare blocks and the tails of last blocks.
        var used = new bool[built.NumBlocks * Bs];
        for (int b = 0; b < built.NumSequences; b++)
            for (int j = 0; j < built.SeqLens[b]; j++) used[built.Slot(b, j)] = true;
        var pk = (float[])k.Clone();
        var pv = (float[])v.Clone();
        int poisoned = 0;
        for (int slot = 0; slot < used.Length; slot++)
        {
            if (used[slot]) continue;
            poisoned++;
            for (int e = 0; e < row; e++)
            {
                pk[slot * row + e] = Poison[(slot + e) % 3];
                pv[slot * row + e] = Poison[(slot + e + 1) % 3];
            }
        }

        Assert.True(poisoned > Bs, "test bug: nothing poisoned");
        var dirty = Run(side, built, q, pk, pv);
        Assert.True(clean.Output.AsSpan().SequenceEqual(dirty.Output), "poison in unread blocks changed the output");
        Assert.True(clean.Lse.AsSpan().SequenceEqual(dirty.Lse), "poison in unread blocks changed the LSE");
    }

    [GuardPageTheory]
    [InlineData(GuardSide.End, 0.02)]
    [InlineData(GuardSide.Start, 0.02)]
    [InlineData(GuardSide.End, 1.0)]
    public void Paged_and_varlen_nonfinite_inputs_propagate_without_a_throw(GuardSide side, double fraction)
    {
        foreach (int blockSize in new[] { Bs, 0 })
        {
            var built = BuiltBatch.Build(new[] { 5, 1, 3, 0 }, new[] { 5, 40, 19, 7 }, blockSize, seed: 22);
            int t = built.NumTokens, kv = blockSize == 0 ? built.TotalKv * Hkv * D : built.NumBlocks * Bs * Hkv * D;
            var random = new Random(23);
            float[] Poisoned(float[] a) => a.Select(x => random.NextDouble() < fraction ? Poison[random.Next(3)] : x).ToArray();
            var q = Poisoned(Values(t * Hq * D, 4));
            var k = Poisoned(Values(kv, 5));
            var v = Poisoned(Values(kv, 6));

            var run = Run(side, built, q, k, v);
            var reference = Run(side, built, q, k, v, reference: true);
            for (int i = 0; i < run.Lse.Length; i++)
            {
                Assert.True(float.IsNaN(run.Lse[i]) == float.IsNaN(reference.Lse[i]), $"LSE {i}: Run {run.Lse[i]}, Reference {reference.Lse[i]} ({(blockSize == 0 ? "varlen" : "paged")})");
            }

            for (int i = 0; i < run.Output.Length; i++)
            {
                Assert.True(float.IsNaN(run.Output[i]) == float.IsNaN(reference.Output[i]), $"output {i}: Run {run.Output[i]}, Reference {reference.Output[i]} ({(blockSize == 0 ? "varlen" : "paged")})");
            }
        }
    }

    private static (float[] Output, float[] Lse) Run(GuardSide side, BuiltBatch built, float[] q, float[] k, float[] v, bool reference = false)
    {
        int t = built.NumTokens;
        using var arena = new GuardedArena(side);
        var gq = arena.Input<float>(q);
        var gk = arena.Input<float>(k);
        var gv = arena.Input<float>(v);
        var output = arena.Output<float>(new float[t * Hq * D]);
        var lse = arena.Output<float>(new float[Hq * t]);
        if (built.BlockSize == 0)
        {
            var batch = VarlenBatch.Create(arena.Metadata(built.QueryStartLoc), arena.Metadata(built.SeqLens));
            if (reference) VarlenF32RuntimeHeadsCausal.Reference(q: gq, k: gk, v: gv, output: output, batch: batch, Hq: Hq, D: D, Hkv: Hkv, lse: lse);
            else VarlenF32RuntimeHeadsCausal.Run(q: gq, k: gk, v: gv, output: output, batch: batch, Hq: Hq, D: D, Hkv: Hkv, lse: lse);
        }
        else
        {
            var batch = PagedBatch.Create(arena.Metadata(built.QueryStartLoc), arena.Metadata(built.SeqLens), arena.Metadata(built.BlockTable), built.MaxBlocks, arena.Metadata(built.SlotMapping));
            if (reference) PagedF32RuntimeHeadsCausal.Reference(q: gq, k: gk, v: gv, output: output, batch: batch, Hq: Hq, D: D, Hkv: Hkv, lse: lse);
            else PagedF32RuntimeHeadsCausal.Run(q: gq, k: gk, v: gv, output: output, batch: batch, Hq: Hq, D: D, Hkv: Hkv, lse: lse);
        }

        return (output.ToArray(), lse.ToArray());
    }

    private static float[] Values(int length, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
    }
}
