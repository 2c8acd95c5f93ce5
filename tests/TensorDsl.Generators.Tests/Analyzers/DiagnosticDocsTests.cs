using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using TensorDsl.Analyzers;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// Every diagnostic has a help page <c>docs/diagnostics/TDSLnnnn.md</c>. The pages quote the catalogue's
/// title, severity, category and message text; these tests keep the two from drifting apart.
/// </summary>
public class DiagnosticDocsTests
{
    private static readonly string[] AnalyzerIds = Enumerable.Range(1, 35).Select(n => $"TDSL{n:0000}").ToArray();

    public static IEnumerable<object[]> Ids => AnalyzerIds.Select(id => new object[] { id });

    [Fact]
    public void AnalyzerSupportsExactlyTheCatalogue()
    {
        var supported = new AttentionKernelAnalyzer().SupportedDiagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(AnalyzerIds, supported);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpPageQuotesTheCatalogue(string id)
    {
        var descriptor = new AttentionKernelAnalyzer().SupportedDiagnostics.Single(d => d.Id == id);
        var page = File.ReadAllText(Path.Combine(DocsDirectory(), id + ".md"));

        Assert.StartsWith($"# {id}: {descriptor.Title}\n", page, StringComparison.Ordinal);
        Assert.Contains($"| **Severity** | {descriptor.DefaultSeverity} |", page, StringComparison.Ordinal);
        Assert.Contains($"| **Category** | `{descriptor.Category}` |", page, StringComparison.Ordinal);
        Assert.Contains($"| **Message** | `{descriptor.MessageFormat}` |", page, StringComparison.Ordinal);
        Assert.Contains("## Example", page, StringComparison.Ordinal);
        Assert.Contains("## How to fix it", page, StringComparison.Ordinal);
        Assert.EndsWith($"docs/diagnostics/{id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.Equal(id is "TDSL0015" or "TDSL0031" or "TDSL0032" or "TDSL0033" or "TDSL0034" or "TDSL0035" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Error, descriptor.DefaultSeverity);
    }

    [Fact]
    public void GeneratorFailureHasAHelpPage()
    {
        var page = File.ReadAllText(Path.Combine(DocsDirectory(), "TDSL9999.md"));
        Assert.StartsWith("# TDSL9999: The TensorDsl generator failed\n", page, StringComparison.Ordinal);
        Assert.Contains("| **Message** | `The TensorDsl generator failed on '{0}' ({1}); please report this with the declaration` |", page, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexListsEveryPage()
    {
        var index = File.ReadAllText(Path.Combine(DocsDirectory(), "README.md"));
        foreach (var id in AnalyzerIds.Append("TDSL9999"))
        {
            Assert.Contains($"| [{id}]({id}.md) |", index, StringComparison.Ordinal);
        }

        var pages = Directory.GetFiles(DocsDirectory(), "TDSL*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(AnalyzerIds.Append("TDSL9999"), pages);
    }

    private static string DocsDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "diagnostics");
            if (Directory.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "TensorDsl.sln")))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("docs/diagnostics not found above " + AppContext.BaseDirectory);
    }
}
