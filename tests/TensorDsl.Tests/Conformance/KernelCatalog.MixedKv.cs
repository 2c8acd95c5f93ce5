// Registers the dense kernels of Kernels/MixedKvKernels.cs: the query and output in one element type, K/V in another
// (docs/semantics.md#element-types). Traits are written from the declarations; adapters use named arguments, so a
// reordered, renamed or retyped generated parameter is a compile error rather than a silent swap.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class KernelCatalog
{
    private static void AddMixedKv()
    {
        Add<float, Half>(new KernelTraits("Mix.F32.F16.Bshd.Gqa") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 32, ConstHkv = 8, ConstD = 128, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => MixF32F16BshdGqa.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => MixF32F16BshdGqa.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<float, Half>(new KernelTraits("Mix.F32.F16.Bshd.Causal") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => MixF32F16BshdCausal.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => MixF32F16BshdCausal.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float, BFloat16>(new KernelTraits("Mix.F32.BF16.Bhsd.Softcap") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => j <= p, Softcap = 20f },
            (x, o, l) => MixF32BF16BhsdSoftcap.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => MixF32BF16BhsdSoftcap.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16, Half>(new KernelTraits("Mix.BF16.F16.Bshd.AlibiSinks") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Visible = (b, h, p, j) => j <= p, Alibi = true, Sinks = true },
            (x, o, l) => MixBF16F16BshdAlibiSinks.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => MixBF16F16BshdAlibiSinks.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, sinks: x.Sinks, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half, float>(new KernelTraits("Mix.F16.F32.Bhsd.Bias") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, Visible = (b, h, p, j) => p - 5 <= j && j <= p + 3, Bias = BiasShape.HeadKey, BiasElement = typeof(BFloat16) },
            (x, o, l) => MixF16F32BhsdBias.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<BFloat16>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => MixF16F32BhsdBias.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<BFloat16>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
    }
}
