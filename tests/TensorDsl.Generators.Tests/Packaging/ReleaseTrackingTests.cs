using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Packaging;

/// <summary>
/// analyzers/TensorDsl.Analyzers/AnalyzerReleases.Shipped.md and .Unshipped.md list every rule exactly once, with the
/// catalogue's category and severity. (Microsoft.CodeAnalysis.Analyzers' own release tracking cannot check them: it
/// only recognises descriptors built from constants; docs/packaging.md.) Adding an ID means adding its row to
/// Unshipped.md; on a release, the rows move to Shipped.md and a shipped row may no longer change.
/// </summary>
public class ReleaseTrackingTests
{
    private sealed record Row(string File, string Id, string Category, string Severity);

    private static string AnalyzerDirectory => Path.Combine(Catalogue.RepositoryRoot(), "analyzers", "TensorDsl.Analyzers");

    private static IReadOnlyList<Row> Rows(string file)
    {
        var rows = new List<Row>();
        foreach (var line in File.ReadAllLines(Path.Combine(AnalyzerDirectory, file)))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();
            if (cells.Length >= 3 && cells[0].StartsWith("TDSL", StringComparison.Ordinal))
            {
                rows.Add(new Row(file, cells[0], cells[1], cells[2]));
            }
        }

        return rows;
    }

    private static IReadOnlyList<Row> AllRows() => Rows("AnalyzerReleases.Shipped.md").Concat(Rows("AnalyzerReleases.Unshipped.md")).ToArray();

    public static IEnumerable<object[]> Ids => Catalogue.Ids;

    [Theory]
    [MemberData(nameof(Ids))]
    public void EveryRuleIsTrackedOnceWithItsCategoryAndSeverity(string id)
    {
        var descriptor = Catalogue.All.Single(d => d.Id == id);
        var row = Assert.Single(AllRows(), r => r.Id == id);
        Assert.Equal(descriptor.Category, row.Category);
        Assert.Equal(descriptor.DefaultSeverity.ToString(), row.Severity);
    }

    [Fact]
    public void NoRowNamesAnUnknownRule()
    {
        var known = Catalogue.All.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(AllRows(), r => !known.Contains(r.Id));
    }

    [Fact]
    public void FilesHaveTheReleaseTrackingHeaders()
    {
        Assert.StartsWith("; Shipped analyzer releases", File.ReadAllText(Path.Combine(AnalyzerDirectory, "AnalyzerReleases.Shipped.md")), StringComparison.Ordinal);
        var unshipped = File.ReadAllText(Path.Combine(AnalyzerDirectory, "AnalyzerReleases.Unshipped.md"));
        Assert.StartsWith("; Unshipped analyzer release", unshipped, StringComparison.Ordinal);
        Assert.Contains("Rule ID | Category | Severity | Notes", unshipped, StringComparison.Ordinal);
    }
}
