using System;
using TensorDsl.Cpu;
using TensorDsl.Runtime;

namespace TensorDsl.Tests.Cpu;

/// <summary>
/// Every bad length or metadata value throws before anything is written: a <see cref="ShapeException"/> naming
/// the parameter (an <see cref="ArgumentException"/> naming both for overlapping buffers), output untouched.
/// </summary>
public sealed class ValidationTests
{
    private const int B = 2, Hq = 4, Hkv = 2, Sq = 3, Sk = 5, D = 8;

    /// <summary>Dense Bhsd buffers of the right sizes; each test breaks one thing.</summary>
    private sealed class Dense
    {
        public float[] Q = new float[B * Hq * Sq * D], K = new float[B * Hkv * Sk * D], V = new float[B * Hkv * Sk * D];
        public float[] Output = DriverHarness.Filled<float>(B * Hq * Sq * D);
        public float[] Lse = DriverHarness.Filled<float>(B * Hq * Sq);
        public float[] Sinks = new float[Hq];

        public void Run() => Run(Q, K, V, Output, Lse, Sinks);

        public static void Run(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, Span<float> output, Span<float> lse, ReadOnlySpan<float> sinks)
        {
            var problem = AttentionProblem.Dense(
                B, Hq, Hkv, Sq, Sk, D, D, RowAddressing.Bhsd(Hq, Sq, D), KvAddressing.Bhsd(Hkv, Sk, D),
                KvAddressing.Bhsd(Hkv, Sk, D), RowAddressing.Bhsd(Hq, Sq, D));
            AttentionDriver.Run<ConfigSpec, float, float, float>(problem, q, k, v, output, lse, sinks, new ScoreInputs { DefaultScale = 1 });
        }

        public void AssertUntouched()
        {
            Assert.All(Output, x => Assert.Equal(DriverHarness.Sentinel, x));
            Assert.All(Lse, x => Assert.Equal(DriverHarness.Sentinel, x));
        }
    }

    private static void Throws(string parameter, Action action)
    {
        var e = Assert.Throws<ShapeException>(action);
        Assert.Equal(parameter, e.Parameter);
    }

    [Fact]
    public void The_valid_dense_call_passes()
    {
        var ok = new Dense();
        ok.Run();
        Assert.Equal(0f, ok.Output[0]);
    }

    [Theory]
    [InlineData("q")]
    [InlineData("k")]
    [InlineData("v")]
    [InlineData("output")]
    [InlineData("lse")]
    [InlineData("sinks")]
    public void Each_wrong_span_length_throws_naming_it(string parameter)
    {
        var t = new Dense();
        float[] Shorter(float[] a) => new float[a.Length - 1];
        switch (parameter)
        {
            case "q": t.Q = Shorter(t.Q); break;
            case "k": t.K = new float[t.K.Length + 1]; break;
            case "v": t.V = Shorter(t.V); break;
            case "output": t.Output = DriverHarness.Filled<float>(t.Output.Length + D); break;
            case "lse": t.Lse = DriverHarness.Filled<float>(t.Lse.Length - 1); break;
            case "sinks": t.Sinks = new float[Hq + 1]; break;
        }

        Throws(parameter, t.Run);
        t.AssertUntouched();
    }

    [Fact]
    public void Overlapping_output_throws_naming_both()
    {
        var t = new Dense();
        var shared = DriverHarness.Filled<float>(t.Output.Length);
        var e = Assert.Throws<ArgumentException>(() => Dense.Run(shared, t.K, t.V, shared, t.Lse, t.Sinks));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("'q'", e.Message);
        var lseInK = Assert.Throws<ArgumentException>(() => Dense.Run(t.Q, t.K, t.V, t.Output, t.K.AsSpan(0, t.Lse.Length), t.Sinks));
        Assert.Equal("lse", lseInK.ParamName);
        t.AssertUntouched();
    }

    [Fact]
    public void Problem_factories_name_the_bad_size()
    {
        var q = RowAddressing.Bhsd(Hq, Sq, D);
        var kv = KvAddressing.Bhsd(Hkv, Sk, D);
        Throws("k", () => AttentionProblem.Dense(B, Hq, 0, Sq, Sk, D, D, q, kv, kv, q));
        Throws("q", () => AttentionProblem.Dense(B, 3, Hkv, Sq, Sk, D, D, q, kv, kv, q));
        Throws("batch", () => AttentionProblem.Dense(-1, Hq, Hkv, Sq, Sk, D, D, q, kv, kv, q));
        Throws("q", () => AttentionProblem.Dense(B, Hq, Hkv, Sq + 1, Sk, D, D, q, kv, kv, q));
        Throws("v", () => AttentionProblem.Dense(B, Hq, Hkv, Sq, Sk, D, D, q, kv, KvAddressing.Bhsd(Hkv, Sk, D + 1), q));
        Throws("output", () => AttentionProblem.Dense(B, Hq, Hkv, Sq, Sk, D, D, q, kv, kv, RowAddressing.Bshd(Hq + 1, Sq, D)));
        Throws("q", () => AttentionProblem.Dense(65536, 65536, 1, 1, 1, 1, 1,
            RowAddressing.Bhsd(65536, 1, 1), KvAddressing.Bhsd(1, 1, 1), KvAddressing.Bhsd(1, 1, 1), RowAddressing.Bhsd(65536, 1, 1)));
        Assert.Throws<ArgumentException>(() => AttentionProblem.Dense(B, Hq, Hkv, Sq, Sk, D, D, RowAddressing.Tokens(Hq, D), kv, kv, q));
        Throws("heads", () => AttentionProblem.Dense(B, Hq, Hkv, Sq, Sk, D, D, q, kv, kv, q).WithHeads(new HeadRange(2, 3)));
        Assert.Throws<ArgumentException>(() =>
            AttentionDriver.Run<ConfigSpec, float, float, float>(default, default, default, default, default, default, default, default));
    }

    [Fact]
    public void Varlen_factory_checks_layouts_and_metadata_kind()
    {
        var batch = VarlenBatch.Create(new[] { 0, 2, 3 }, new[] { 4, 1 });
        var rows = RowAddressing.Tokens(Hq, D);
        var tokens = KvAddressing.Tokens(Hkv, D);
        var paged = KvAddressing.Paged(4, Hkv, D);
        Assert.Equal("batch", Assert.Throws<ArgumentException>(() =>
            AttentionProblem.Varlen(batch, Hq, Hkv, D, D, rows, paged, paged, rows)).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() =>
            AttentionProblem.Varlen(batch, Hq, Hkv, D, D, rows, tokens, paged, rows)).ParamName);
        Assert.Equal("q", Assert.Throws<ArgumentException>(() =>
            AttentionProblem.Varlen(batch, Hq, Hkv, D, D, RowAddressing.Bhsd(Hq, 2, D), tokens, tokens, rows)).ParamName);
        var pagedBatch = PagedBatch.Create(new[] { 0, 2, 3 }, new[] { 4, 1 }, new[] { 0, 1 }, 1);
        var keyHalf = KvAddressing.PagedStacked(KvCacheLayout.KvFirst, false, 2, 4, Hkv, D);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() =>
            AttentionProblem.Varlen(pagedBatch, Hq, Hkv, D, D, rows, keyHalf, keyHalf, rows)).ParamName);
        Throws("v", () => AttentionProblem.Varlen(pagedBatch, Hq, Hkv, D, D, rows, paged, KvAddressing.Paged(8, Hkv, D), rows));
    }

    /// <summary>A paged call with one broken piece of metadata or cache length; output must stay untouched.</summary>
    [Theory]
    [InlineData("blockTable", 0)]  // block id ≥ N
    [InlineData("blockTable", 1)]  // negative block id
    [InlineData("seqLens", 0)]     // a sequence longer than its block-table row
    [InlineData("k", 0)]           // cache length not a multiple of a block
    [InlineData("v", 0)]           // v has fewer blocks than k
    [InlineData("slotMapping", 0)] // a slot beyond the cache
    public void Paged_metadata_is_checked_against_the_cache(string parameter, int variant)
    {
        const int bs = 4, n = 3;
        int[] table = { 2, 0, 1, 9 };      // row 0 uses 2 blocks; row 1 uses 1 (its padding 9 is never read)
        int[] seqLens = { 7, 3 };
        int[] slots = { 6, 11 };
        int[] starts = { 0, 1, 2 };
        var k = new float[n * bs * Hkv * D];
        var v = new float[n * bs * Hkv * D];
        switch (parameter, variant)
        {
            case ("blockTable", 0): table[1] = n; break;
            case ("blockTable", 1): table[2] = -1; break;
            case ("seqLens", 0): seqLens[1] = 9; break;
            case ("k", 0): k = new float[k.Length - 1]; break;
            case ("v", 0): v = new float[v.Length - bs * Hkv * D]; break;
            case ("slotMapping", 0): slots[1] = n * bs; break;
        }

        var batch = PagedBatch.Create(starts, seqLens, table, 2, slots);
        var output = DriverHarness.Filled<float>(2 * Hq * D);
        Throws(parameter, () =>
        {
            var problem = AttentionProblem.Varlen(
                batch, Hq, Hkv, D, D, RowAddressing.Tokens(Hq, D), KvAddressing.Paged(bs, Hkv, D),
                KvAddressing.Paged(bs, Hkv, D), RowAddressing.Tokens(Hq, D));
            AttentionDriver.Run<ConfigSpec, float, float, float>(
                problem, new float[2 * Hq * D], k, v, output, default, default, new ScoreInputs { DefaultScale = 1 });
        });
        Assert.All(output, x => Assert.Equal(DriverHarness.Sentinel, x));
    }

    [Fact]
    public void Stacked_and_token_lengths_are_exact()
    {
        var batch = PagedBatch.Create(new[] { 0, 1 }, new[] { 3 }, new[] { 1 }, 1);
        Throws("k", () =>
        {
            var problem = AttentionProblem.Varlen(
                batch, Hq, Hkv, D, D, RowAddressing.Tokens(Hq, D),
                KvAddressing.PagedStacked(KvCacheLayout.BlocksFirst, false, 2, 4, Hkv, D),
                KvAddressing.PagedStacked(KvCacheLayout.BlocksFirst, true, 2, 4, Hkv, D), RowAddressing.Tokens(Hq, D));
            var cache = new float[2 * 2 * 4 * Hkv * D + 1];
            AttentionDriver.Run<ConfigSpec, float, float, float>(problem, new float[Hq * D], cache, cache, new float[Hq * D], default, default, default);
        });
        var varlen = VarlenBatch.Create(new[] { 0, 1, 2 }, new[] { 3, 4 });
        Assert.Equal(7, varlen.TotalKvTokens);
        Throws("k", () =>
        {
            var problem = AttentionProblem.Varlen(
                varlen, Hq, Hkv, D, D, RowAddressing.Tokens(Hq, D), KvAddressing.Tokens(Hkv, D), KvAddressing.Tokens(Hkv, D),
                RowAddressing.Tokens(Hq, D));
            AttentionDriver.Run<ConfigSpec, float, float, float>(
                problem, new float[2 * Hq * D], new float[6 * Hkv * D], new float[7 * Hkv * D], new float[2 * Hq * D], default, default, default);
        });
        var huge = PagedBatch.Create(new[] { 0, 1, 2 }, new[] { int.MaxValue, 5 }, new[] { 0, 0 }, 1);
        Assert.Equal((long)int.MaxValue + 5, huge.TotalKvTokens);
        Throws("k", () => AttentionProblem.Varlen(
            huge, Hq, Hkv, D, D, RowAddressing.Tokens(Hq, D), KvAddressing.Tokens(Hkv, D), KvAddressing.Tokens(Hkv, D),
            RowAddressing.Tokens(Hq, D)));
    }

    [Fact]
    public void Side_tensor_checks_length_kind_and_bounds()
    {
        Throws("bias", () => SideTensor.Bias<float>(new float[5], 1, 1, 2, 3));
        Assert.Throws<NotSupportedException>(() => SideTensor.Bias<double>(new double[1], 1, 1, 1, 1));
        var bias = new float[] { 1, 2, 3, 4, 5, 6 };
        Assert.Equal(6f, SideTensor.Bias<float>(bias, 1, 1, 2, 3).Bias<float>(7, 9, 1, 2)); // broadcast b, h
        Assert.Equal(3f, SideTensor.Bias<float>(bias, 1, 1, 1, 6).Bias<float>(0, 0, 5, 2));
        Assert.Throws<InvalidOperationException>(() => SideTensor.Bias<float>(bias, 1, 1, 2, 3).Bias<Half>(0, 0, 0, 0));
        Assert.Throws<IndexOutOfRangeException>(() => SideTensor.Bias<float>(bias, 1, 1, 2, 3).Bias<float>(0, 0, 2, 0));
        Assert.Throws<IndexOutOfRangeException>(() => SideTensor.PerHead(new float[2]).PerHead(2));
        Assert.Equal(2f, SideTensor.PerHead(new[] { 1f, 2f }).PerHead(1));
    }

    [Fact]
    public void Disjoint_guard()
    {
        var a = new float[8];
        KernelGuard.Disjoint("output", a.AsSpan(0, 4), "q", a.AsSpan(4, 4));
        KernelGuard.Disjoint("output", ReadOnlySpan<float>.Empty, "q", a);
        KernelGuard.Disjoint("output", a.AsSpan(3, 0), "q", a);
        var e = Assert.Throws<ArgumentException>(() => KernelGuard.Disjoint("output", a.AsSpan(0, 5), "q", a.AsSpan(4, 4)));
        Assert.Equal("output", e.ParamName);
        Assert.Contains("'output'", e.Message);
        Assert.Contains("'q'", e.Message);
        Assert.Throws<ArgumentException>(() => KernelGuard.Disjoint<float, byte>(
            "lse", a, "bias", System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan(2, 1))));
    }
}
