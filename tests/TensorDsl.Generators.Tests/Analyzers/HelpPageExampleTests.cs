using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TensorDsl.Analyzers;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// The example on every help page (the C# blocks under "## Example" in docs/diagnostics/TDSLnnnn.md) really produces
/// that page's diagnostic, so the pages cannot drift from the analyzer. The rest of the docs' C# is compiled and run
/// against the package by tests/TensorDsl.Package.Tests (DocsExamplesTests). Iterates the catalogue.
/// </summary>
public class HelpPageExampleTests
{
    public static IEnumerable<object[]> Ids => Catalogue.Ids.Where(row => (string)row[0] != "TDSL9999");

    [Theory]
    [MemberData(nameof(Ids))]
    public async Task ExampleReportsItsDiagnostic(string id)
    {
        var page = File.ReadAllText(Path.Combine(Catalogue.DocsDirectory(), id + ".md")).Replace("\r\n", "\n");
        var start = page.IndexOf("## Example", StringComparison.Ordinal);
        var end = page.IndexOf("## How to fix it", start, StringComparison.Ordinal);
        var blocks = Regex.Matches(page[start..end], "^```csharp\\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToArray();
        Assert.NotEmpty(blocks);

        var references = (await TestReferences.Framework.ResolveAsync(LanguageNames.CSharp, CancellationToken.None)).Add(TestReferences.Runtime);
        foreach (var block in blocks)
        {
            var tree = CSharpSyntaxTree.ParseText(TestReferences.Usings + block, new CSharpParseOptions(LanguageVersion.Latest), path: id + ".cs");
            var compilation = CSharpCompilation.Create("HelpPage", new[] { tree }, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new AttentionKernelAnalyzer())).GetAnalyzerDiagnosticsAsync();
            Assert.True(diagnostics.Any(d => d.Id == id),
                $"{id}.md's example reports {string.Join(", ", diagnostics.Select(d => d.Id).Distinct())} instead:\n{block}");
        }
    }
}
