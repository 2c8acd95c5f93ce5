using System;
using System.Collections.Generic;
using System.Linq;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Lowering;
using TensorDsl.FrontEnd.Spyre;
using TensorDsl.FrontEnd.Model;
using TensorDsl.FrontEnd.Shapes;
using TensorDsl.FrontEnd.Solver;

namespace TensorDsl.Generators.Tests.FrontEnd;

// Inside the namespace, so it wins over the runtime's public TensorDsl.Layout (the same table, compiled twice).
using Layout = TensorDsl.FrontEnd.Model.Layout;

/// <summary>
/// The front end's parts tested directly, as library code (frontend/TensorDsl.FrontEnd.props; the generator's copy is
/// visible to these tests): the layout table, the shape parser, the role-order rule, generated names, the catalogue's
/// text and the Spyre variant count. Expected values are written out here, not computed by the code under test.
/// </summary>
public class FrontEndUnitTests
{
    [Theory]
    [InlineData("Bhsd", "[B, H, S, D]", 0, 2, 1, 3, -1, -1, -1)]
    [InlineData("Bshd", "[B, S, H, D]", 0, 1, 2, 3, -1, -1, -1)]
    [InlineData("Tokens", "[T, H, D]", -1, -1, 1, 2, 0, -1, -1)]
    [InlineData("Pages", "[N, BlockSize, H, D]", -1, -1, 2, 3, -1, 0, 1)]
    public void LayoutAxesByMeaning(string name, string described, int batch, int sequence, int heads, int headSize, int tokens, int blocks, int blockSize)
    {
        var layout = Enum.Parse<Layout>(name); // the front end's types are internal: a public theory names them by text
        Assert.Equal(described, LayoutAxes.Describe(layout));
        Assert.Equal(described.Split(',').Length, LayoutAxes.Rank(layout));
        Assert.Equal(
            new[] { batch, sequence, heads, headSize, tokens, blocks, blockSize },
            new[]
            {
                LayoutAxes.Batch(layout), LayoutAxes.Sequence(layout), LayoutAxes.Heads(layout), LayoutAxes.HeadSize(layout),
                LayoutAxes.Tokens(layout), LayoutAxes.Blocks(layout), LayoutAxes.BlockSize(layout),
            });
    }

    [Fact]
    public void SideLayoutsHaveNoRoleAxes()
    {
        Assert.Equal("[B, Hq, Sq, Sk]", LayoutAxes.Describe(Layout.Bias));
        Assert.Equal("[Hq]", LayoutAxes.Describe(Layout.PerHead));
        Assert.Null(RoleAxes.Of(Operand("bias", Layout.Bias, "B", "Hq", "Sq", "Sk")));
        Assert.Null(RoleAxes.Of(Operand("sinks", Layout.PerHead, "Hq")));
    }

    [Fact]
    public void ShapeParserBindsConstantsAndLeavesTheRestToRunTime()
    {
        var constants = new Dictionary<string, long> { ["D"] = 128 };
        Assert.True(ShapeParser.TryParse("B, Hq, Sq, D", constants, new Dictionary<string, string>(), out var shape, out _, out _));
        Assert.Equal(new long?[] { null, null, null, 128 }, shape.Select(d => d.StaticValue));
        Assert.Equal(new[] { "B", "Hq", "Sq" }, shape.SelectMany(d => d.RuntimeNames));
    }

    [Fact]
    public void ShapeParserPointsAtTheEmptyDimension()
    {
        Assert.False(ShapeParser.TryParse("B, , D", new Dictionary<string, long>(), new Dictionary<string, string>(), out _, out var offset, out var error));
        Assert.Equal(3, offset); // the second ','
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void RoleOrderTrustsNaturalNamesAndReportsOnlyAMendableSwap()
    {
        var q = Operand("q", Layout.Bhsd, "B", "4", "Sq", "64");
        var k = Operand("k", Layout.Bhsd, "B", "8", "Sk", "64");
        Assert.Null(RoleOrder.Check(q, k, null)); // q.MatMul(k.T): the head count is TDSL0012's to report

        var a = Operand("a", Layout.Bhsd, "B", "8", "Sq", "64");
        var b = Operand("b", Layout.Bhsd, "B", "32", "Sk", "64");
        Assert.Equal(DiagnosticIds.QueryKeyOrder, RoleOrder.Check(a, b, null)?.Id); // 8 divides 32: swapping mends it
        var c = Operand("c", Layout.Bhsd, "B", "12", "Sk", "64");
        Assert.Null(RoleOrder.Check(a, c, null)); // 8 does not divide 12: swapping would not mend it

        var pages = Operand("a", Layout.Pages, "N", "16", "8", "64");
        var tokens = Operand("b", Layout.Tokens, "T", "8", "64");
        Assert.Equal(DiagnosticIds.QueryKeyOrder, RoleOrder.Check(pages, tokens, null)?.Id);
        Assert.Null(RoleOrder.Check(pages, Operand("b", Layout.Pages, "N", "16", "8", "64"), null));
    }

    [Fact]
    public void HintNamesAreBoundedAndKeepCaseApart()
    {
        var longName = GeneratedNames.HintName("Ns", new[] { new string('K', 300) });
        Assert.Equal(GeneratedNames.MaxReadableHintLength + ".12345678".Length + GeneratedNames.HintSuffix.Length, longName.Length);
        Assert.NotEqual(GeneratedNames.HintName(null, new[] { "Gqa" }), GeneratedNames.HintName(null, new[] { "GQA" }));
        Assert.True(GeneratedNames.IsGeneratedFile("/obj/generated/X.1a2b3c4d.TensorDsl.g.cs"));
        Assert.False(GeneratedNames.IsGeneratedFile("/src/Kernels.cs"));
    }

    [Fact]
    public void DiagnosticTextIsIdAndFormattedMessage()
    {
        var info = Diagnose.ContractionMismatch(SourceSpan.None, "q", "64", "k", "96");
        Assert.Equal("TDSL0007: q·kᵀ contracts different head sizes: 'q' has D = 64 but 'k' has D = 96", DiagnosticCatalog.Text(info));
    }

    [Theory]
    [InlineData(1, 64, 256, 32, 2)] // shortest 1 and 33, one bucket of 256
    [InlineData(2, 512, 256, 256, 6)] // shortest 1 (L 256, 512) and 257 (L 512): 3 pairs × 2 batch sizes
    [InlineData(0, 512, 256, 32, 0)]
    public void SpyreVariantCountByHand(int seqs, int len, int bucket, int padding, long expected) =>
        Assert.Equal(expected, TensorDsl.FrontEnd.Model.SpyreFacts.VariantCount(seqs, len, bucket, padding));

    private static OperandModel Operand(string name, Layout layout, params string[] dims) => new(
        name, OperandRole.Unused, layout, ElementKind.Float,
        dims.Select(d => long.TryParse(d, out var value) ? (DimExpr)new LiteralDim(value) : new NamedDim(d, null)).ToEquatableArray(),
        SourceSpan.None);
}
