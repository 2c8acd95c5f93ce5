using System;
using System.Linq;
using static TensorDsl.Tests.Conformance.Cases;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Kernels whose KV cache has its own element type (docs/semantics.md#element-types). They run through every suite the
/// other kernels do (random, const-dim and edge cases for dense ones, the varlen/paged cases, head slices and
/// WriteCache for paged ones); this class checks that they are there, and adds the cases the pairing itself calls for:
/// cache values at the edges of the cache type's range under queries of another type.
/// </summary>
public sealed class MixedKvTests
{
    /// <summary>(query and output type, KV type): what serving engines keep, and the reverse pairings.</summary>
    private static readonly (Type Query, Type Kv)[] Pairings =
    {
        (typeof(float), typeof(Half)), (typeof(float), typeof(BFloat16)), (typeof(BFloat16), typeof(Half)), (typeof(Half), typeof(float)),
    };

    [Fact]
    public void Every_pairing_has_dense_and_paged_kernels_in_the_suites()
    {
        foreach (var (query, kv) in Pairings)
        {
            Assert.Contains(KernelCatalog.AllKernels, k => k.Element == query && k.KvElement == kv);
            Assert.Contains(VarlenPagedCatalog.Paged, k => k.Element == query && k.KvElement == kv);
        }

        // fp32 queries over a Half cache: dense Bshd GQA with causal, and varlen K/V with their own token axis.
        Assert.Contains(KernelCatalog.ConstDims, k => k.Element == typeof(float) && k.KvElement == typeof(Half)
            && k.Traits.KvLayout == Layout.Bshd && k.Traits.ConstHq / k.Traits.ConstHkv > 1);
        Assert.Contains(VarlenPagedCatalog.Varlen, k => k.Element == typeof(float) && k.KvElement == typeof(Half));

        // The mixed runtime-size kernels are drawn by the random suites like every other kernel.
        Assert.Contains(RandomCaseTests.ByName.Values, c => IsMixed(KernelCatalog.Get(c.Kernel)));
        Assert.Contains(VarlenPagedCaseTests.ByName.Values, c => c.Label.StartsWith("random", StringComparison.Ordinal)
            && VarlenPagedCatalog.Get(c.Kernel) is var k && k.Element != k.KvElement);
    }

    [Theory]
    [InlineData("Mix.F32.F16.Bshd.Gqa")]
    [InlineData("Mix.F32.F16.Bshd.Causal")]
    [InlineData("Mix.BF16.F16.Bshd.AlibiSinks")]
    public void Half_cache_values_near_the_half_maximum_under_other_queries(string kernel)
    {
        // K/V ≈ ±6e4 (Half's maximum is 65504) are exact in the cache; q ≈ 1e-4 keeps the logits moderate. The
        // output is a convex combination of V rows, so it stays finite even in a BFloat16 output.
        var c = For("kv≈6e4", kernel, b: 2, hq: 8, hkv: 2, sq: 5, sk: 19, d: 16) with
        {
            QScale = 1e-4,
            Mutate = raw =>
            {
                for (int n = 0; n < raw.K.Length; n++) raw.K[n] = 6e4 * Math.Sign(raw.K[n]) - 4e3 * raw.K[n];
                for (int n = 0; n < raw.V.Length; n++) raw.V[n] = 6e4 * Math.Sign(raw.V[n]) - 4e3 * raw.V[n];
            },
            MutateLabel = "k, v ≈ ±6e4",
        };
        var r = Check(c);
        foreach (var (b, h, i) in r.Rows().Where(row => r.VisibleCount(row.B, row.H, row.I) > 0)) AssertLiveRow(r, b, h, i);
    }

    [Fact]
    public void BFloat16_cache_values_far_below_the_half_range_under_float_queries()
    {
        // BFloat16 has float's exponent range: v ≈ 1e-30 is a normal number in the cache (Half would flush it to 0),
        // and a float output keeps it.
        var c = For("v≈1e-30", "Mix.F32.BF16.Bhsd.Softcap", b: 1, hq: 4, hkv: 2, sq: 4, sk: 9, d: 8) with
        {
            VScale = 1e-30,
            MutateLabel = "v ≈ 1e-30",
        };
        var r = Check(c);
        Assert.Contains(r.Run, x => x != 0 && Math.Abs(x) < 1e-29);
    }

    /// <summary>
    /// The harness judges the output in its own type (the query's, docs/semantics.md#element-types), never the cache's:
    /// an fp32 output over a Half cache gets fp32's tight band, a Half output over a float cache Half's.
    /// </summary>
    [Theory]
    [InlineData("Mix.F32.F16.Bshd.Causal", 24)]
    [InlineData("Mix.F32.BF16.Bhsd.Softcap", 24)]
    [InlineData("Mix.BF16.F16.Bshd.AlibiSinks", 8)]
    [InlineData("Mix.F16.F32.Bhsd.Bias", 11)]
    public void The_output_is_judged_in_the_query_type(string kernel, int roundoffBits)
    {
        var r = Check(For("tolerance", kernel, b: 1, hq: 4, hkv: 2, sq: 6, sk: 6, d: 8));
        Assert.Equal(2 * Math.Pow(2, -roundoffBits) + 4 * Num.U32, r.Tolerance.OutRtol);
    }

    private static bool IsMixed(KernelEntry entry) => entry.Element != entry.KvElement;
}
