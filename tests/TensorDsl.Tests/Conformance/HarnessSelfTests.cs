using System;
using System.Linq;
using TensorDsl.Tests.Kernels;
using Xunit.Sdk;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// The harness must be able to fail. Each test wraps a real generated kernel with a typical bug (a mask off by
/// one, the wrong KV head, the wrong layout, a perturbed value, an unwritten row, a sloppy empty row, …) and
/// checks that <see cref="Harness.Check{TQ, TKV}"/> rejects it — and the unmodified kernel passes the same case.
/// </summary>
public sealed class HarnessSelfTests
{
    private static readonly KernelTraits Causal = new("selftest.F32.Bhsd.Causal") { Visible = (b, h, p, j) => j <= p };

    private static readonly ConformanceCase Case = new("selftest", Causal.Name, B: 2, Hq: 8, Hkv: 2, Sq: 9, Sk: 6, D: 16, Seed: 99);

    private static void CausalRun(KernelInputs<float, float> x, Span<float> o, Span<float> l) =>
        F32BhsdCausal.Run(x.Q, x.K, x.V, o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l);

    private static void CausalReference(KernelInputs<float, float> x, Span<float> o, Span<float> l) =>
        F32BhsdCausal.Reference(x.Q, x.K, x.V, o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l);

    private static void Rejects(KernelCall<float, float> run, KernelTraits? traits = null, ConformanceCase? c = null) =>
        Assert.ThrowsAny<XunitException>(() => Harness.Check(new KernelEntry<float, float>(traits ?? Causal, run, CausalReference), c ?? Case));

    [Fact]
    public void The_unmodified_kernel_passes() => Harness.Check(new KernelEntry<float, float>(Causal, CausalRun, CausalReference), Case);

    [Fact]
    public void A_mask_off_by_one_is_caught() =>
        // Causal() is j ≤ p; a kernel that also shows key p + 1 (here: the unmasked kernel) must fail.
        Rejects((x, o, l) => F32BhsdPlain.Run(x.Q, x.K, x.V, o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));

    [Fact]
    public void Reading_the_wrong_kv_head_is_caught() =>
        // h % Hkv instead of h / G: emulate by swapping the two KV heads of every batch.
        Rejects((x, o, l) =>
        {
            var k = SwapHeads(x.K, x);
            var v = SwapHeads(x.V, x);
            F32BhsdCausal.Run(x.Q, k, v, o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l);
        });

    [Fact]
    public void Reading_the_wrong_layout_is_caught() =>
        Rejects((x, o, l) => F32BshdCausal.Run(x.Q, x.K, x.V, o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));

    [Fact]
    public void A_slightly_wrong_scale_is_caught() =>
        Rejects((x, o, l) =>
        {
            var q = x.Q.Select(e => e * 1.01f).ToArray();
            F32BhsdCausal.Run(q, x.K, x.V, o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l);
        });

    [Fact]
    public void An_output_error_of_a_few_tolerances_is_caught() =>
        Rejects((x, o, l) =>
        {
            CausalRun(x, o, l);
            o[o.Length - 1] += 1e-3f;
        });

    [Fact]
    public void An_lse_error_is_caught() =>
        Rejects((x, o, l) =>
        {
            CausalRun(x, o, l);
            if (!l.IsEmpty) l[l.Length - 1] += 1e-3f;
        });

    [Fact]
    public void An_unwritten_row_is_caught() =>
        Rejects((x, o, l) =>
        {
            var full = new float[o.Length];
            CausalRun(x, full, l);
            full.AsSpan(0, full.Length - x.D).CopyTo(o); // the last row keeps the harness's NaN pre-fill
        });

    [Fact]
    public void An_almost_empty_row_is_caught() =>
        // Row 0 has no visible key (Sk < Sq): 1e-30 is not "exactly 0".
        Rejects((x, o, l) =>
        {
            CausalRun(x, o, l);
            o[0] = 1e-30f;
        });

    [Fact]
    public void A_finite_lse_for_an_empty_row_is_caught() =>
        Rejects((x, o, l) =>
        {
            CausalRun(x, o, l);
            if (!l.IsEmpty) l[0] = -1e30f;
        });

    [Fact]
    public void A_spurious_NaN_is_caught() =>
        Rejects((x, o, l) =>
        {
            CausalRun(x, o, l);
            o[o.Length / 2] = float.NaN;
        });

    [Fact]
    public void An_output_that_depends_on_requesting_lse_is_caught() =>
        Rejects((x, o, l) =>
        {
            CausalRun(x, o, l);
            if (l.IsEmpty) o[o.Length - 1] *= 1.01f;
        });

    [Fact]
    public void A_reference_that_breaks_the_empty_row_rule_is_caught()
    {
        // The harness holds the oracle to docs/semantics.md too: traits claiming a row is empty that Reference fills must fail.
        var lying = new KernelTraits("selftest.lying") { Visible = (b, h, p, j) => j < p };
        Rejects(CausalRun, lying);
    }

    // ---- A KV cache with its own element type: the harness must see a kernel that computes in the wrong type ----

    private static readonly KernelTraits MixedCausal = new("selftest.Mix.F32.F16.Bshd.Causal")
    {
        QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p,
    };

    private static readonly ConformanceCase MixedCase = Case with { Kernel = MixedCausal.Name };

    private static void MixedRun(KernelInputs<float, Half> x, float[] q, Half[] k, Span<float> o, Span<float> l) =>
        MixF32F16BshdCausal.Run(q: q, k: k, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l);

    private static void MixedReference(KernelInputs<float, Half> x, Span<float> o, Span<float> l) =>
        MixF32F16BshdCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l);

    private static void RejectsMixed(KernelCall<float, Half> run) =>
        Assert.ThrowsAny<XunitException>(() => Harness.Check(new KernelEntry<float, Half>(MixedCausal, run, MixedReference), MixedCase));

    [Fact]
    public void The_unmodified_mixed_kernel_passes() =>
        Harness.Check(new KernelEntry<float, Half>(MixedCausal, (x, o, l) => MixedRun(x, x.Q, x.K, o, l), MixedReference), MixedCase);

    [Fact]
    public void Narrowing_the_query_to_the_kv_type_is_caught() =>
        // A kernel that took the KV cache's type for q as well (one element type everywhere) loses q's low bits.
        RejectsMixed((x, o, l) => MixedRun(x, x.Q.Select(e => (float)(Half)e).ToArray(), x.K, o, l));

    [Fact]
    public void Reading_the_cache_through_a_coarser_type_is_caught() =>
        // Keys read as BFloat16 (7 mantissa bits) instead of Half (10).
        RejectsMixed((x, o, l) => MixedRun(x, x.Q, x.K.Select(e => (Half)(float)(BFloat16)(float)e).ToArray(), o, l));

    private static float[] SwapHeads(float[] data, KernelInputs<float, float> x)
    {
        var result = (float[])data.Clone();
        int block = x.Sk * x.D;
        for (int b = 0; b < x.B; b++)
        {
            Array.Copy(data, (b * 2 + 0) * block, result, (b * 2 + 1) * block, block);
            Array.Copy(data, (b * 2 + 1) * block, result, (b * 2 + 0) * block, block);
        }

        return result;
    }
}
