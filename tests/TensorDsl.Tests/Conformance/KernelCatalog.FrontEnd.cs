// Registers Kernels/FrontEndKernels.cs (see there). Visibility rules restate each declaration's masks per docs/semantics.md#masks.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class KernelCatalog
{
    private static void AddFrontEnd()
    {
        Add<float>(new KernelTraits("F32.Bhsd.LambdaConstants")
            {
                Scale = 0.5f,
                ModBound = (sq, sk) => 1, // e^(−0.05·|qi − kv|) ≤ 1; the score is kept or scaled by 0.25
                Visible = (b, h, p, j) => j <= p && (Math.Abs(p - j) <= 3 || (j & 1) == 0) && (long)h * 1000 + j != 1003,
            },
            (x, o, l) => F32LambdaConstants.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32LambdaConstants.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.ScoreModNegInf") { Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F32ScoreModNegInf.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32ScoreModNegInf.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.StepOrder")
            {
                Scale = 1f, // the softcap sees the unscaled product: bound its error with scale 1
                Softcap = 10f,
                Bias = BiasShape.Full,
                BiasElement = typeof(float),
                Visible = (b, h, p, j) => j <= p && p - 8 <= j && p - 2 <= j && j <= p + 2 && j != 0 && p - j != 1,
            },
            (x, o, l) => F32StepOrder.Run(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32StepOrder.Reference(q: x.Q, k: x.K, v: x.V, bias: x.BiasAs<float>(), output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bshd.TwoScales")
            {
                QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, Scale = 0.25f,
                Visible = (b, h, p, j) => j <= p,
            },
            (x, o, l) => F32TwoScales.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => F32TwoScales.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<Half>(new KernelTraits("F16.Bhsd.BlockBody") { Alibi = true, Visible = All },
            (x, o, l) => F16BlockBody.Run(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F16BlockBody.Reference(q: x.Q, k: x.K, v: x.V, slopes: x.Slopes, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<BFloat16>(new KernelTraits("BF16.Bshd.Nested")
            {
                QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd,
                Visible = (b, h, p, j) => j <= p,
            },
            (x, o, l) => Outer.BF16Nested.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l),
            (x, o, l) => Outer.BF16Nested.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hq: x.Hq, D: x.D, Sk: x.Sk, Hkv: x.Hkv, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.WideWindows")
            {
                Visible = (b, h, p, j) => (long)p - int.MaxValue <= j && j <= (long)p + int.MaxValue
                    && FloorDiv(j, int.MaxValue) == FloorDiv(p, int.MaxValue),
            },
            (x, o, l) => F32WideWindows.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32WideWindows.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Hq: x.Hq, Sq: x.Sq, D: x.D, Hkv: x.Hkv, Sk: x.Sk, lse: l));
        Add<float>(new KernelTraits("F32.Bhsd.ConstHq8RuntimeHkv") { ConstHq = 8, ConstD = 32, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F32ConstHqRuntimeHkv.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hkv: x.Hkv, Sk: x.Sk, lse: l),
            (x, o, l) => F32ConstHqRuntimeHkv.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Hkv: x.Hkv, Sk: x.Sk, lse: l));
    }
}
