using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// The example on every help page really produces that page's diagnostic, so the pages cannot drift from the analyzer
/// (the rest of the docs' C# is compiled and run against the package by tests/TensorDsl.Package.Tests). Diagnostics as
/// a build reports them (<see cref="BuildLike"/>: generator, compiler and analyzers on one
/// compilation): every help page's example gives its diagnostic and nothing in generated code, and one mistake gives
/// one diagnostic, with no C# error that follows from the generator having refused the kernel.
/// </summary>
public class BuildDiagnosticTests
{
    public static IEnumerable<object[]> Ids => Catalogue.Ids.Where(row => (string)row[0] != "TDSL9999");

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task HelpPageExampleReportsItsDiagnosticInABuild(string id)
    {
        foreach (var block in HelpPageExamples(id))
        {
            var build = await BuildLike.CompileAsync(TestReferences.Usings + block);
            Assert.True(build.Reported.Any(d => d.Id == id), $"{id}.md's example reports, in a build:\n{build.Describe()}\n{block}");
            Assert.True(build.InGeneratedCode.IsEmpty, $"{id}.md's example makes generated code report:\n{build.Describe()}");
        }
    }

    /// <summary>
    /// The README's mistake (k declared with D = 96) in the README's own program, which calls Run and Reference:
    /// exactly one diagnostic, TDSL0007, and no CS0117 for the entry points a refused kernel would otherwise lack.
    /// </summary>
    [Fact]
    public async Task ReadmeMistakeGivesExactlyOneError()
    {
        var program = ReadmeProgram();
        var broken = program.Replace("[Shape(\"B, Hkv, Sk, D\")] Bhsd<float> k", "[Shape(\"B, Hkv, Sk, 96\")] Bhsd<float> k", StringComparison.Ordinal);
        Assert.NotEqual(program, broken);

        var clean = await BuildLike.CompileProgramAsync(program);
        Assert.True(clean.Reported.IsEmpty, "the README program itself does not build clean:\n" + clean.Describe());

        var build = await BuildLike.CompileProgramAsync(broken);
        var only = Assert.Single(build.Reported);
        Assert.Equal("TDSL0007", only.Id);
        Assert.Equal("q·kᵀ contracts different head sizes: 'q' has D = 64 but 'k' has D = 96", only.GetMessage());
    }

    /// <summary>
    /// The entry points of a refused kernel exist and throw the error's text, so a caller compiles and a run says why
    /// (the stub of a kernel whose shapes disagree has Run's exact signature).
    /// </summary>
    [Fact]
    public async Task RefusedKernelsEntryPointsThrowTheDiagnostic()
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + """
            [AttentionKernel]
            public static partial class Gqa
            {
                const int Hq = 8, Hkv = 2;

                static Bhsd<float> Attend(
                    [Shape("B, Hq, Sq, 64")] Bhsd<float> q,
                    [Shape("B, Hkv, Sk, 96")] Bhsd<float> k,
                    [Shape("B, Hkv, Sk, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }

            public static class Caller
            {
                public static void Call(float[] q, float[] k, float[] v, Span<float> output)
                {
                    Gqa.Run(q, k, v, output, 1, 2, 3);
                    Gqa.Reference(q, k, v, output, 1, 2, 3, lse: default);
                }
            }
            """);
        Assert.Equal(new[] { "TDSL0007" }, build.Reported.Select(d => d.Id));
        var generated = Assert.Single(build.GeneratedTrees).ToString();
        Assert.Contains("public static void Run(\n        global::System.ReadOnlySpan<float> @q,", generated, StringComparison.Ordinal);
        Assert.Contains(
            "throw new global::System.InvalidOperationException(\"TDSL0007: q·kᵀ contracts different head sizes: 'q' has D = 64 but 'k' has D = 96\");",
            generated, StringComparison.Ordinal);
    }

    /// <summary>
    /// A declaration the parser refuses has no signature to copy; Run, Reference and WriteCache then accept any
    /// arguments through <c>allows ref struct</c> generics, which need C# 13. These tests run on the Roslyn floor
    /// (4.8, C# 12), where the generator must leave them out rather than emit code that does not compile; the C# 14
    /// build of a real consumer, where the calls compile, is tests/TensorDsl.Package.Tests (EveryDiagnosticBuildTests).
    /// </summary>
    [Fact]
    public async Task UnparsableKernelGetsNoCatchAllBelowCSharp13()
    {
        var build = await BuildLike.CompileAsync(TestReferences.Usings + """
            [AttentionKernel]
            public static partial class Gqa
            {
                static Bhsd<float> Attend(
                    [Shape("B, 8, Sq, ")] Bhsd<float> q,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> k,
                    [Shape("B, 8, Sk, 64")] Bhsd<float> v)
                    => Softmax(q.MatMul(k.T)).MatMul(v);
            }
            """);
        Assert.Equal(new[] { "TDSL0004" }, build.Reported.Select(d => d.Id));
        Assert.Empty(build.GeneratedTrees);
    }

    /// <summary>The C# blocks under "## Example" of a help page.</summary>
    internal static IEnumerable<string> HelpPageExamples(string id)
    {
        var page = File.ReadAllText(Path.Combine(Catalogue.DocsDirectory(), id + ".md")).Replace("\r\n", "\n");
        var start = page.IndexOf("## Example", StringComparison.Ordinal);
        var end = page.IndexOf("## How to fix it", start, StringComparison.Ordinal);
        var blocks = Regex.Matches(page[start..end], "^```csharp\\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToArray();
        Assert.NotEmpty(blocks);
        return blocks;
    }

    /// <summary>The README's quick-start program (the block marked <c>csharp program</c>).</summary>
    internal static string ReadmeProgram()
    {
        var readme = File.ReadAllText(Path.Combine(Catalogue.DocsDirectory(), "..", "..", "README.md")).Replace("\r\n", "\n");
        var match = Regex.Match(readme, "^```csharp program\\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline);
        Assert.True(match.Success, "README.md has no ```csharp program block");
        return match.Groups[1].Value;
    }
}
