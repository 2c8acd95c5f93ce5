using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TensorDsl.Analyzers;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// Every diagnostic has a help page <c>docs/diagnostics/TDSLnnnn.md</c>. The pages quote the catalogue's
/// title, severity, category and message text; these tests keep the two from drifting apart. They iterate the
/// catalogue itself, so a new ID needs only its entry, its page and its index row.
/// </summary>
public class DiagnosticDocsTests
{
    private const string GeneratorOnly = "TDSL9999";

    public static IEnumerable<object[]> Ids => Catalogue.Ids;

    [Fact]
    public void AnalyzerSupportsExactlyTheCatalogueButTheGeneratorsOwnFailure()
    {
        var supported = new AttentionKernelAnalyzer().SupportedDiagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal);
        Assert.Equal(Catalogue.All.Select(d => d.Id).Where(id => id != GeneratorOnly), supported);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpPageQuotesTheCatalogue(string id)
    {
        var descriptor = Catalogue.All.Single(d => d.Id == id);
        var page = File.ReadAllText(Path.Combine(Catalogue.DocsDirectory(), id + ".md"));

        Assert.StartsWith($"# {id}: {descriptor.Title}\n", page, StringComparison.Ordinal);
        Assert.Contains($"| **Message** | `{descriptor.MessageFormat}` |", page, StringComparison.Ordinal);
        Assert.Contains($"| **Severity** | {descriptor.DefaultSeverity} |", page, StringComparison.Ordinal);
        Assert.Contains($"| **Category** | `{descriptor.Category}` |", page, StringComparison.Ordinal);
        Assert.Contains("## Example", page, StringComparison.Ordinal);
        Assert.Contains("## How to fix it", page, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexListsEveryPage()
    {
        var ids = Catalogue.All.Select(d => d.Id).ToArray();
        var index = File.ReadAllText(Path.Combine(Catalogue.DocsDirectory(), "README.md"));
        foreach (var id in ids)
        {
            Assert.Contains($"| [{id}]({id}.md) |", index, StringComparison.Ordinal);
        }

        var pages = Directory.GetFiles(Catalogue.DocsDirectory(), "TDSL*.md").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal);
        Assert.Equal(ids, pages);
    }
}
