using System.Linq;
using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators.Tests.Generator;

/// <summary>Generated lines stay within 120 characters where C# allows it, and wrapping never changes what the code means.</summary>
public class LineWrapperTests
{
    private static string[] Wrapped(int indent, string text) =>
        LineWrapper.Wrap(indent, text).Select(line => new string(' ', line.Indent) + line.Text).ToArray();

    [Fact]
    public void ShortLinesStayAsTheyAre() =>
        Assert.Equal(new[] { "    Run(q, k, v);" }, Wrapped(4, "Run(q, k, v);"));

    [Fact]
    public void LongParameterListsGetOneParameterPerLine()
    {
        var parameters = string.Join(", ", Enumerable.Range(0, 8).Select(i => $"global::System.ReadOnlySpan<float> tensor{i}"));
        var lines = Wrapped(4, $"public static void Run({parameters})");
        Assert.Equal("    public static void Run(", lines[0]);
        Assert.Equal("        global::System.ReadOnlySpan<float> tensor0,", lines[1]);
        Assert.Equal("        global::System.ReadOnlySpan<float> tensor7)", lines[^1]);
        Assert.All(lines, line => Assert.True(line.Length <= LineWrapper.MaxLength, line));
    }

    [Fact]
    public void CommasInsideStringsGenericsAndNestedCallsDoNotSplit()
    {
        var text = "Call(\"a, (b\", global::System.Collections.Generic.Dictionary<int, string>.Empty, Inner(x, y), '(', "
            + new string('z', 60) + ");";
        var lines = Wrapped(0, text);
        Assert.Equal(new[]
        {
            "Call(",
            "    \"a, (b\",",
            "    global::System.Collections.Generic.Dictionary<int, string>.Empty,",
            "    Inner(x, y),",
            "    '(',",
            "    " + new string('z', 60) + ");",
        }, lines);
    }

    [Fact]
    public void DocumentationCommentsWrapAtSpaces()
    {
        var lines = Wrapped(4, "/// " + string.Join(" ", Enumerable.Repeat("word", 40)));
        Assert.True(lines.Length > 1);
        Assert.All(lines, line => Assert.StartsWith("    /// word", line));
        Assert.All(lines, line => Assert.True(line.Length <= LineWrapper.MaxLength, line));
    }

    [Theory]
    [InlineData("#pragma warning disable CS1591, CS1573, CS0162, CS0618, CS0612, CS8600, CS8601, CS8602, CS8603, CS8604, CS8618, CS8625")]
    [InlineData("// Expression: Softmax(q.MatMul(k.T) * Rsqrt(D) + Causal() + Mask((b, h, i, j) => i - j < 1024 && j % 2 == 0, a, b))")]
    [InlineData("public const string Program = @\"def attention(q, k, v, mask): return torch.softmax(q @ k.transpose(-1, -2) + mask, -1) @ v\";")]
    public void DirectivesPlainCommentsAndVerbatimStringsAreLeftAlone(string text) =>
        Assert.Equal(new[] { text }, Wrapped(0, text));
}
