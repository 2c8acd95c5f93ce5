// Registers the kernels of Kernels/RuntimeBFloat16Kernels.cs with the traits the harness needs (visibility rule written from docs/semantics.md#masks,
// scale, softcap, side inputs) and adapters that call Run and Reference with named arguments, so a reordered or
// renamed generated parameter is a compile error rather than a silent swap.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class KernelCatalog
{
    private static void AddRuntimeBFloat16()
    {
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.Plain") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All },
            (x, o, l) => BF16BhsdPlain.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdPlain.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.Causal") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => BF16BhsdCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.BiasFull") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All, Bias = BiasShape.Full, BiasElement = typeof(BFloat16) },
            (x, o, l) => BF16BhsdBiasFull.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<BFloat16>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdBiasFull.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<BFloat16>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.GptOss") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true },
            (x, o, l) => BF16BhsdGptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdGptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.Window") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => p - 5 <= j && j <= p + 3 },
            (x, o, l) => BF16BhsdWindow.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdWindow.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.Chunked") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => FloorDiv(j, 8) == FloorDiv(p, 8) },
            (x, o, l) => BF16BhsdChunked.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdChunked.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.ScoreMod") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, ModBound = (sq, sk) => 0.5 },
            (x, o, l) => BF16BhsdScoreMod.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdScoreMod.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.BiasHeadKey") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, Bias = BiasShape.HeadKey, BiasElement = typeof(BFloat16) },
            (x, o, l) => BF16BhsdBiasHeadKey.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<BFloat16>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdBiasHeadKey.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<BFloat16>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bhsd.Diagonal") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j == p },
            (x, o, l) => BF16BhsdDiagonal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => BF16BhsdDiagonal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.Causal") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => BF16BshdCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.Alibi") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p, Alibi = true },
            (x, o, l) => BF16BshdAlibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdAlibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.Softcap") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = All, Softcap = 5f },
            (x, o, l) => BF16BshdSoftcap.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdSoftcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.MaskLambda") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => (p - j) % 3 != 1 || j == 0 },
            (x, o, l) => BF16BshdMaskLambda.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdMaskLambda.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.Scale") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => p - 4 <= j && j <= p + 4, Scale = 0.2f },
            (x, o, l) => BF16BshdScale.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdScale.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.BiasRows") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = All, Bias = BiasShape.BatchRows, BiasElement = typeof(float) },
            (x, o, l) => BF16BshdBiasRows.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdBiasRows.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.Gemma") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p && p - 7 <= j, Scale = 0.25f, Softcap = 20f },
            (x, o, l) => BF16BshdGemma.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdGemma.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.Sinks") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p, Sinks = true },
            (x, o, l) => BF16BshdSinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdSinks.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.WindowCausal") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p && p - 6 <= j },
            (x, o, l) => BF16BshdWindowCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdWindowCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.MaskRows") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => p % 4 != 3 && j <= p + 1 },
            (x, o, l) => BF16BshdMaskRows.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => BF16BshdMaskRows.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
    }
}
