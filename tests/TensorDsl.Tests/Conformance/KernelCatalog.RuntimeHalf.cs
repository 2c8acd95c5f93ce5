// Registers the kernels of Kernels/RuntimeHalfKernels.cs with the traits the harness needs (visibility rule written from docs/semantics.md#masks,
// scale, softcap, side inputs) and adapters that call Run and Reference with named arguments, so a reordered or
// renamed generated parameter is a compile error rather than a silent swap.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class KernelCatalog
{
    private static void AddRuntimeHalf()
    {
        Add<Half>(new KernelTraits("F16.Bhsd.Plain") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All },
            (x, o, l) => F16BhsdPlain.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BhsdPlain.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.Bhsd.Causal") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F16BhsdCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BhsdCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.Bhsd.Softcap") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All, Softcap = 5f },
            (x, o, l) => F16BhsdSoftcap.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BhsdSoftcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.Bhsd.Alibi") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, Alibi = true },
            (x, o, l) => F16BhsdAlibi.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BhsdAlibi.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.Bhsd.Sinks") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, Sinks = true },
            (x, o, l) => F16BhsdSinks.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BhsdSinks.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.Bhsd.MaskLambda") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => (p - j) % 3 != 1 || j == 0 },
            (x, o, l) => F16BhsdMaskLambda.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BhsdMaskLambda.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.Bhsd.BiasFull") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = All, Bias = BiasShape.Full, BiasElement = typeof(Half) },
            (x, o, l) => F16BhsdBiasFull.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<Half>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BhsdBiasFull.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<Half>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.Window") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => p - 5 <= j && j <= p + 3 },
            (x, o, l) => F16BshdWindow.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdWindow.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.WindowCausal") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p && p - 6 <= j },
            (x, o, l) => F16BshdWindowCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdWindowCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.Chunked") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => FloorDiv(j, 8) == FloorDiv(p, 8) },
            (x, o, l) => F16BshdChunked.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdChunked.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.BiasHeadKey") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p, Bias = BiasShape.HeadKey, BiasElement = typeof(Half) },
            (x, o, l) => F16BshdBiasHeadKey.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<Half>(), output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdBiasHeadKey.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<Half>(), output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.ScoreMod") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p, ModBound = (sq, sk) => 0.5 },
            (x, o, l) => F16BshdScoreMod.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdScoreMod.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.Gemma") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p && p - 7 <= j, Scale = 0.25f, Softcap = 20f },
            (x, o, l) => F16BshdGemma.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdGemma.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.GptOss") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p && p - 9 <= j, Sinks = true },
            (x, o, l) => F16BshdGptOss.Run(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdGptOss.Reference(q: x.Q, k: x.K, v: x.V, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.Scale") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => p - 4 <= j && j <= p + 4, Scale = 0.2f },
            (x, o, l) => F16BshdScale.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdScale.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.Diagonal") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j == p },
            (x, o, l) => F16BshdDiagonal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdDiagonal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bshd.LiteralD16") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstD = 16, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F16BshdLiteralD.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F16BshdLiteralD.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, Sk: x.Sk, Hkv: x.Hkv, lse: l));
    }
}
