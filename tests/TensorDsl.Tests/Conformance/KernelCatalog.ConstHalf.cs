// Registers the kernels of Kernels/ConstHalfKernels.cs with the traits the harness needs (visibility rule written from docs/semantics.md#masks,
// scale, softcap, side inputs) and adapters that call Run and Reference with named arguments, so a reordered or
// renamed generated parameter is a compile error rather than a silent swap.
using System;
using TensorDsl.Tests.Kernels;

namespace TensorDsl.Tests.Conformance;

internal static partial class KernelCatalog
{
    private static void AddConstHalf()
    {
        Add<Half>(new KernelTraits("F16.D64.G1") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 8, ConstHkv = 8, ConstD = 64, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F16D64G1.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D64G1.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D64.G2") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 8, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => j <= p, Softcap = 30f },
            (x, o, l) => F16D64G2.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D64G2.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D64.G4") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 16, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F16D64G4.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D64G4.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D64.G8") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 32, ConstHkv = 4, ConstD = 64, Visible = (b, h, p, j) => j <= p, Softcap = 30f },
            (x, o, l) => F16D64G8.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D64G8.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D80.G1") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 8, ConstHkv = 8, ConstD = 80, Visible = (b, h, p, j) => j <= p && p - 5 <= j },
            (x, o, l) => F16D80G1.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D80G1.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D80.G2") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 8, ConstHkv = 4, ConstD = 80, Visible = All },
            (x, o, l) => F16D80G2.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D80G2.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D80.G4") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 16, ConstHkv = 4, ConstD = 80, Visible = (b, h, p, j) => j <= p && p - 5 <= j },
            (x, o, l) => F16D80G4.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D80G4.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D80.G8") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 32, ConstHkv = 4, ConstD = 80, Visible = All },
            (x, o, l) => F16D80G8.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D80G8.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D128.G1") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 8, ConstHkv = 8, ConstD = 128, Visible = (b, h, p, j) => j <= p, Softcap = 30f },
            (x, o, l) => F16D128G1.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D128G1.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D128.G2") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 8, ConstHkv = 4, ConstD = 128, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F16D128G2.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D128G2.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D128.G4") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 16, ConstHkv = 4, ConstD = 128, Visible = (b, h, p, j) => j <= p, Softcap = 30f },
            (x, o, l) => F16D128G4.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D128G4.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D128.G8") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 32, ConstHkv = 4, ConstD = 128, Visible = (b, h, p, j) => j <= p },
            (x, o, l) => F16D128G8.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D128G8.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D256.G1") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 8, ConstHkv = 8, ConstD = 256, Visible = All },
            (x, o, l) => F16D256G1.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D256G1.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D256.G2") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 8, ConstHkv = 4, ConstD = 256, Visible = (b, h, p, j) => j <= p && p - 5 <= j },
            (x, o, l) => F16D256G2.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D256G2.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D256.G4") { QLayout = Layout.Bshd, KvLayout = Layout.Bshd, OutLayout = Layout.Bshd, ConstHq = 16, ConstHkv = 4, ConstD = 256, Visible = All },
            (x, o, l) => F16D256G4.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D256G4.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
        Add<Half>(new KernelTraits("F16.D256.G8") { QLayout = Layout.Bhsd, KvLayout = Layout.Bhsd, OutLayout = Layout.Bhsd, ConstHq = 32, ConstHkv = 4, ConstD = 256, Visible = (b, h, p, j) => j <= p && p - 5 <= j },
            (x, o, l) => F16D256G8.Run(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l),
            (x, o, l) => F16D256G8.Reference(q: x.Q, k: x.K, v: x.V, output: o, B: x.B, Sq: x.Sq, Sk: x.Sk, lse: l));
    }
}
