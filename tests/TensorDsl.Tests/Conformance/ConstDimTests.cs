using System.Linq;
using static TensorDsl.Tests.Conformance.Cases;

namespace TensorDsl.Tests.Conformance;

/// <summary>
/// Every const-dim kernel — D ∈ {64, 80, 128, 256} × GQA ratio G ∈ {1, 2, 4, 8} (Hq/Hkv 8/8, 8/4, 16/4, 32/4) for
/// each of float, Half and BFloat16, layouts and masks rotating — on a prefill, a decode and a cross-attention
/// (Sk &lt; Sq) shape.
/// </summary>
public sealed class ConstDimTests
{
    public static TheoryData<string, string> Kernels()
    {
        var data = new TheoryData<string, string>();
        foreach (var kernel in KernelCatalog.ConstDims)
        foreach (var shape in new[] { "prefill", "decode", "cross" })
            data.Add(kernel.Traits.Name, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Const_dim_kernel_agrees_with_Reference(string kernel, string shape)
    {
        var c = shape switch
        {
            "prefill" => For(shape, kernel, b: 2, hq: 0, hkv: 0, sq: 5, sk: 19, d: 0, seed: 11),
            "decode" => For(shape, kernel, b: 1, hq: 0, hkv: 0, sq: 1, sk: 33, d: 0, seed: 12),
            _ => For(shape, kernel, b: 2, hq: 0, hkv: 0, sq: 9, sk: 4, d: 0, seed: 13),
        };
        Check(c);
    }

    [Fact]
    public void Every_D_and_ratio_is_covered_for_every_element_type()
    {
        var kernels = KernelCatalog.ConstDims.ToList();
        foreach (var element in new[] { typeof(float), typeof(System.Half), typeof(BFloat16) })
        foreach (var d in new[] { 64, 80, 128, 256 })
        foreach (var g in new[] { 1, 2, 4, 8 })
            Assert.Contains(kernels, k => k.Element == element && k.Traits.ConstD == d && k.Traits.ConstHq / k.Traits.ConstHkv == g);
    }
}
