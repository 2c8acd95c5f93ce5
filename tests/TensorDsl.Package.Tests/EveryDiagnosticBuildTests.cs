using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using TensorDsl.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorDsl.Package.Tests;

/// <summary>
/// Every diagnostic ID reaches a real build (issue 13): one library project that references the packed package and
/// holds <c>Consumers/EveryId</c> — one file per ID (<c>TDSLnnnn.cs</c>, a minimal new-user mistake, mostly the help
/// page's example) plus <c>Callers.cs</c>, correct C# that calls the generated entry points of some of those kernels —
/// is built with <c>dotnet build</c>, and the set of every <c>file(line,col): error|warning ID:</c> the build prints
/// (TDSL, CS and anything else) must equal the set the <c>/*@TDSLnnnn*/</c> markers name, warnings included. The
/// severity each marker expects is the one its help page states (the "**Severity**" row of
/// <c>docs/diagnostics/TDSLnnnn.md</c>), so the docs are what is tested. The contract this checks: each mistake gives
/// its documented diagnostic at its documented place and nothing else — no follow-on C# error, in the user's code or
/// in generated code, and no warning lost on the way from the analyzer to the build.
/// </summary>
/// <remarks>
/// The IDs come from the catalogue's ID list (<c>frontend/Diagnostics/DiagnosticIds.cs</c>), so a new ID without a
/// case here fails this test. TDSL9999 ("the TensorDsl generator failed") is the one exception: it is reported only
/// when the generator itself throws, which no user program may be able to provoke (the robustness and fuzz suites
/// assert exactly that it never happens), so there is no valid source that should produce it.
/// </remarks>
[Collection(PackedFeedCollection.Name)]
public sealed class EveryDiagnosticBuildTests
{
    /// <summary>The IDs that cannot have a consumer case, each with the reason (see the remarks above).</summary>
    private static readonly IReadOnlyDictionary<string, string> WithoutACase = new Dictionary<string, string>
    {
        ["TDSL9999"] = "reported only when the generator throws; no user program can provoke it",
    };

    private static readonly Regex LocatedDiagnostic = new(
        @"^\s*(?<file>\S.*?)\((?<line>\d+),(?<column>\d+)(?:,\d+,\d+)?\)\s*:\s*(?<severity>error|warning)\s+(?<id>[A-Za-z]+\d+)\s*:\s*(?<message>.*)$",
        RegexOptions.Compiled);

    private static readonly Regex UnlocatedDiagnostic = new(
        @"^\s*(?<where>.*?)\s*:\s*(?<severity>error|warning)\s+(?<id>[A-Za-z]+\d+)\s*:\s*(?<message>.*)$",
        RegexOptions.Compiled);

    private readonly PackedFeed _feed;
    private readonly ITestOutputHelper _log;

    public EveryDiagnosticBuildTests(PackedFeed feed, ITestOutputHelper log)
    {
        _feed = feed;
        _log = log;
    }

    [Fact]
    public void EveryDiagnosticIdIsReportedAtItsPlaceByARealBuild()
    {
        var project = _feed.NewDirectory("everyid");
        _feed.WriteLibraryProject(project, "everyid");

        var ids = CatalogueIds();
        var coverage = new List<string>();
        var severities = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (DocumentedSeverity(id) is { } severity)
            {
                severities[id] = severity;
            }
            else
            {
                coverage.Add($"{id}: docs/diagnostics/{id}.md is missing or has no '| **Severity** | Error or Warning |' row");
            }
        }

        var sources = Path.Combine(AppContext.BaseDirectory, "Consumers", "EveryId");
        var expected = CopyMarked(sources, project, severities);

        // Coverage, checked before the build so a missing case is named on its own.
        foreach (var id in ids.Where(id => !WithoutACase.ContainsKey(id)))
        {
            var file = Path.Combine(project, id + ".cs");
            if (!File.Exists(file))
            {
                coverage.Add($"{id}: no case (add Consumers/EveryId/{id}.cs with a /*@{id}*/ marker)");
            }
            else if (!expected.Any(d => d.Id == id && d.File == file))
            {
                coverage.Add($"{id}: {id}.cs has no /*@{id}*/ marker");
            }
        }

        foreach (var unknown in expected.Select(d => d.Id).Distinct().Where(id => !ids.Contains(id)))
        {
            coverage.Add($"{unknown}: a marker names an ID the catalogue does not have");
        }

        Assert.True(coverage.Count == 0, "Consumers/EveryId does not cover the catalogue:\n  " + string.Join("\n  ", coverage));

        var sarif = Path.Combine(project, "build.sarif");
        var build = _feed.DotNetIn(project, "build", "-c", "Release", $"-p:ErrorLog={sarif},version=2.1");
        _log.WriteLine(build.ToString());
        var reported = Reported(build.Output);
        AssertHelpLinksOpenThePackagesOwnPages(sarif);

        var expectedKeys = expected.Select(d => d.Key).ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(d => !reported.ContainsKey(d.Key)).OrderBy(d => d.Key, StringComparer.Ordinal).ToList();
        var unexpected = reported.Where(r => !expectedKeys.Contains(r.Key)).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        if (missing.Count == 0 && unexpected.Count == 0)
        {
            return;
        }

        string Relative(string key) => key.Replace(project + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
        var message = new StringBuilder();
        message.AppendLine($"dotnet build (exit {build.ExitCode}) of Consumers/EveryId does not report exactly the marked diagnostics: {missing.Count} missing, {unexpected.Count} unexpected.");
        if (missing.Count > 0)
        {
            message.AppendLine($"Missing ({missing.Count}) — marked in the source, not in the build output:");
            foreach (var d in missing)
            {
                var elsewhere = reported.Keys.Where(k => k.Contains(" " + d.Id, StringComparison.Ordinal) && k.StartsWith(d.File + "(", StringComparison.Ordinal)).Select(Relative).ToList();
                message.AppendLine("  " + Relative(d.Key) + (elsewhere.Count > 0 ? "   (reported instead at: " + string.Join(", ", elsewhere) + ")" : ""));
            }
        }

        if (unexpected.Count > 0)
        {
            message.AppendLine($"Unexpected ({unexpected.Count}) — in the build output, not marked:");
            foreach (var (key, text) in unexpected)
            {
                message.AppendLine("  " + Relative(key) + ": " + text);
            }
        }

        Assert.Fail(message.ToString());
    }

    /// <summary>
    /// By default every TDSL rule's help link (the SARIF log's helpUri, what the IDE opens) is the page the package
    /// ships, as a file URI into the restored package, and that page exists (docs/packaging.md#help-links).
    /// </summary>
    private void AssertHelpLinksOpenThePackagesOwnPages(string sarif)
    {
        Assert.True(File.Exists(sarif), "the build wrote no SARIF log at " + sarif);
        var links = Regex.Matches(File.ReadAllText(sarif), "\"helpUri\"\\s*:\\s*\"(?<uri>[^\"]*(?<id>TDSL\\d{4})\\.md)\"")
            .Select(m => (Id: m.Groups["id"].Value, Uri: new Uri(m.Groups["uri"].Value)))
            .ToList();
        Assert.True(links.Count >= 30, $"only {links.Count} TDSL help links in the SARIF log");
        foreach (var (id, uri) in links)
        {
            Assert.True(uri.IsFile, $"{id}'s help link is {uri}, not the package's page");
            Assert.StartsWith(Path.GetFullPath(_feed.Packages), Path.GetFullPath(uri.LocalPath), StringComparison.Ordinal);
            Assert.True(File.Exists(uri.LocalPath), $"{id}'s help link {uri} names no file");
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /// <summary>A diagnostic the markers expect, with the severity its help page documents.</summary>
    private sealed record Expected(string File, int Line, int Column, string Severity, string Id)
    {
        public string Key => $"{File}({Line},{Column}): {Severity} {Id}";
    }

    /// <summary>The catalogue's IDs, read from the constants every analyzer and the generator use.</summary>
    private static IReadOnlyList<string> CatalogueIds()
    {
        var source = Docs.Read("frontend/Diagnostics/DiagnosticIds.cs");
        var ids = Regex.Matches(source, "\"(TDSL\\d{4})\"").Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).OrderBy(id => id, StringComparer.Ordinal).ToList();
        Assert.True(ids.Count >= 36, "frontend/Diagnostics/DiagnosticIds.cs lists only " + ids.Count + " IDs; was it moved?");
        return ids;
    }

    /// <summary>"error" or "warning", as the "**Severity**" row of docs/diagnostics/TDSLnnnn.md says; null without one.</summary>
    private static string? DocumentedSeverity(string id)
    {
        var path = $"docs/diagnostics/{id}.md";
        if (!File.Exists(Path.Combine(PackedFeed.RepositoryRoot, path)))
        {
            return null;
        }

        var row = Regex.Match(Docs.Read(path), @"^\|\s*\*\*Severity\*\*\s*\|\s*(?<severity>Error|Warning)\s*\|", RegexOptions.Multiline);
        return row.Success ? row.Groups["severity"].Value.ToLowerInvariant() : null;
    }

    /// <summary>Copies every source, markers stripped, and returns what the markers expect (full paths).</summary>
    private static IReadOnlyList<Expected> CopyMarked(string from, string to, IReadOnlyDictionary<string, string> severities)
    {
        var expected = new List<Expected>();
        foreach (var file in Directory.GetFiles(from, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            var (text, found) = Markers.Strip(target, File.ReadAllText(file));
            File.WriteAllText(target, text);
            expected.AddRange(found.Select(d => new Expected(d.File, d.Line, d.Column,
                severities.TryGetValue(d.Id, out var severity) ? severity : "unknown-severity", d.Id)));
        }

        return expected;
    }

    /// <summary>
    /// Every distinct diagnostic in a build's output (dotnet build prints each twice: as it happens and in the summary),
    /// keyed like <see cref="Expected.Key"/>, with its message. Diagnostics without a source location (a project-level
    /// NuGet or MSBuild warning, "CSC : error …") are kept too, under their "where" and line 0.
    /// </summary>
    private static IReadOnlyDictionary<string, string> Reported(string output)
    {
        var reported = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in output.Replace("\r\n", "\n").Split('\n'))
        {
            var line = Regex.Replace(raw, @"\s+\[[^\[\]]+\.csproj\]\s*$", ""); // MSBuild's " [project]" suffix
            string key;
            var match = LocatedDiagnostic.Match(line);
            if (match.Success)
            {
                key = $"{match.Groups["file"].Value}({match.Groups["line"].Value},{match.Groups["column"].Value}): {match.Groups["severity"].Value} {match.Groups["id"].Value}";
            }
            else if ((match = UnlocatedDiagnostic.Match(line)).Success)
            {
                key = $"{match.Groups["where"].Value}(0,0): {match.Groups["severity"].Value} {match.Groups["id"].Value}";
            }
            else
            {
                continue;
            }

            reported.TryAdd(key, match.Groups["message"].Value);
        }

        return reported;
    }
}
