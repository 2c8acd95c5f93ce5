// Registers the kernels of Kernels/RuntimeFloatKernels.cs with the traits the harness needs (visibility rule written from docs/semantics.md#masks,
// scale, softcap, side inputs) and adapters that call Run and Reference with named arguments, so a reordered or
// renamed generated parameter is a compile error rather than a silent swap.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class KernelCatalog
{
    private static void AddRuntimeFloat()
    {
        Add<float>(new KernelTraits("F32.Bhsd.Plain") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All },
            (x, o, l) => F32BhsdPlain.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdPlain.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Causal") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F32BhsdCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Window") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => p - 5 <= j && j <= p + 3 },
            (x, o, l) => F32BhsdWindow.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdWindow.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.WindowCausal") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p && p - 6 <= j },
            (x, o, l) => F32BhsdWindowCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdWindowCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Chunked") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => FloorDiv(j, 8) == FloorDiv(p, 8) },
            (x, o, l) => F32BhsdChunked.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdChunked.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Softcap") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All, Softcap = 5f },
            (x, o, l) => F32BhsdSoftcap.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdSoftcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Alibi") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, Alibi = true },
            (x, o, l) => F32BhsdAlibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdAlibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.BiasFull") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All, Bias = BiasShape.Full, BiasElement = typeof(float) },
            (x, o, l) => F32BhsdBiasFull.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdBiasFull.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.BiasHeadKey") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, Bias = BiasShape.HeadKey, BiasElement = typeof(float) },
            (x, o, l) => F32BhsdBiasHeadKey.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdBiasHeadKey.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.BiasRows") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All, Bias = BiasShape.BatchRows, BiasElement = typeof(float) },
            (x, o, l) => F32BhsdBiasRows.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdBiasRows.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Sinks") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, Sinks = true },
            (x, o, l) => F32BhsdSinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdSinks.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.MaskLambda") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => (p - j) % 3 != 1 || j == 0 },
            (x, o, l) => F32BhsdMaskLambda.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdMaskLambda.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.MaskRows") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => p % 4 != 3 && j <= p + 1 },
            (x, o, l) => F32BhsdMaskRows.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdMaskRows.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.ScoreMod") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, ModBound = (sq, sk) => 0.5 },
            (x, o, l) => F32BhsdScoreMod.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdScoreMod.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Scale") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => p - 4 <= j && j <= p + 4, Scale = 0.2f },
            (x, o, l) => F32BhsdScale.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdScale.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Gemma") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p && p - 7 <= j, Scale = 0.25f, Softcap = 20f },
            (x, o, l) => F32BhsdGemma.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdGemma.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.GptOss") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true },
            (x, o, l) => F32BhsdGptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdGptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Everything") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => FloorDiv(j, 16) == FloorDiv(p, 16) && j != p - 2, Scale = 0.3f, Softcap = 8f, Bias = BiasShape.Full, BiasElement = typeof(float), Alibi = true, Sinks = true, ModBound = (sq, sk) => 0.01 * (sq + sk) },
            (x, o, l) => F32BhsdEverything.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), slopes: x.Slopes, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdEverything.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), slopes: x.Slopes, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.Diagonal") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j == p },
            (x, o, l) => F32BhsdDiagonal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32BhsdDiagonal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bshd.Plain") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = All },
            (x, o, l) => F32BshdPlain.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32BshdPlain.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Bshd.Causal") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F32BshdCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32BshdCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Bshd.BiasFull") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = All, Bias = BiasShape.Full, BiasElement = typeof(float) },
            (x, o, l) => F32BshdBiasFull.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32BshdBiasFull.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Bshd.Sinks") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p, Sinks = true },
            (x, o, l) => F32BshdSinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32BshdSinks.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Bshd.WindowCausal") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p && p - 6 <= j },
            (x, o, l) => F32BshdWindowCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32BshdWindowCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Bshd.Chunked") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => FloorDiv(j, 8) == FloorDiv(p, 8) },
            (x, o, l) => F32BshdChunked.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32BshdChunked.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Mixed.Causal") { QLayout = Layout.Bhsd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F32MixedLayouts.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32MixedLayouts.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.ProductHeads") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, FixedG = 4, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F32ProductHeads.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hkv: x.Hkv, Sq: x.Sq, D: x.D, Sk: x.Sk, lse: l),
            (x, o, l) => F32ProductHeads.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hkv: x.Hkv, Sq: x.Sq, D: x.D, Sk: x.Sk, lse: l));
    }
}
