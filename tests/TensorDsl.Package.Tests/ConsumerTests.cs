using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using TensorDsl.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorDsl.Package.Tests;

/// <summary>
/// The package as a user meets it (docs/testing.md, "Package and consumer tests"): fresh projects that reference the
/// freshly packed TensorDsl by PackageReference from a local feed, built, run, fixed and published with the real tools.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ConsumerTests
{
    private readonly PackedFeed _feed;
    private readonly ITestOutputHelper _log;

    public ConsumerTests(PackedFeed feed, ITestOutputHelper log)
    {
        _feed = feed;
        _log = log;
    }

    /// <summary>The quick start of the package README, verbatim: dotnet new console, dotnet add package, the kernel, dotnet run.</summary>
    [Fact]
    public void QuickStartBuildsAndRunsFromThePackage()
    {
        var app = NewQuickStartApp("quickstart");

        var build = Checked(_feed.DotNetIn(app, "build", "-c", "Release"));
        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);

        var run = Checked(_feed.DotNetIn(app, "run", "-c", "Release", "--no-build"));
        AssertAgreesWithReference(run.Output);

        // It came from the isolated packages folder, i.e. from the local feed, not from a project or a shared cache.
        Assert.True(Directory.Exists(Path.Combine(_feed.Packages, "tensordsl", _feed.Version)), "TensorDsl was not restored into the consumer's own packages folder");
        Assert.DoesNotContain("ProjectReference", File.ReadAllText(Path.Combine(app, "quickstart.csproj")), StringComparison.Ordinal);
    }

    /// <summary>Each broken kernel gives its TDSL error at its exact file(line,col) in dotnet build's output, and nothing else.</summary>
    [Fact]
    public void BrokenKernelsReportTheirDiagnosticsAtTheirLocations()
    {
        var project = _feed.NewDirectory("broken");
        _feed.WriteLibraryProject(project, "broken");
        var expected = CopyMarked(Path.Combine(AppContext.BaseDirectory, "Consumers", "Broken"), project);
        Assert.True(expected.Count >= 9, "the broken set lost its kernels");

        var build = _feed.DotNetIn(project, "build", "-c", "Release");
        _log.WriteLine(build.ToString());
        Assert.NotEqual(0, build.ExitCode);

        foreach (var diagnostic in expected)
        {
            Assert.True(build.Output.Contains(diagnostic.BuildOutputPrefix(), StringComparison.Ordinal),
                $"expected '{diagnostic.BuildOutputPrefix()}' in the build output");
        }

        Assert.Equal(
            expected.Select(d => d.BuildOutputPrefix()).OrderBy(s => s, StringComparer.Ordinal),
            ReportedErrors(build.Output));
    }

    /// <summary>dotnet format analyzers --diagnostics TDSLnnnn applies the code fixes (TDSL0001, TDSL0002); the fixed project builds clean.</summary>
    [Fact]
    public void DotnetFormatAppliesTheCodeFixes()
    {
        var project = _feed.NewDirectory("fixable");
        _feed.WriteLibraryProject(project, "fixable");
        var expected = CopyMarked(Path.Combine(AppContext.BaseDirectory, "Consumers", "Fixable"), project);

        var before = _feed.DotNetIn(project, "build", "-c", "Release");
        Assert.NotEqual(0, before.ExitCode);
        Assert.Equal(expected.Select(d => d.BuildOutputPrefix()).OrderBy(s => s, StringComparer.Ordinal), ReportedErrors(before.Output));

        // One run per ID, as docs/packaging.md says: dotnet format (SDK 10.0.4xx) given both IDs in one run applies the
        // first ID's fixes and reports "didn't return a Fix All action" for the second.
        foreach (var id in expected.Select(d => d.Id).Distinct())
        {
            var format = Checked(_feed.DotNetIn(project, "format", "analyzers", "--diagnostics", id, "--verbosity", "normal"));
            Assert.DoesNotContain("Unable to fix", format.Output, StringComparison.Ordinal);
        }

        var source = File.ReadAllText(Path.Combine(project, "Kernels.cs"));
        Assert.Contains("public static partial class NotPartial", source, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\n    static Bhsd<float> Attend\("), source);

        var after = Checked(_feed.DotNetIn(project, "build", "-c", "Release", "-warnaserror"));
        Assert.Contains("0 Warning(s)", after.Output, StringComparison.Ordinal);
    }

    /// <summary>The quick start published with NativeAOT: no trimming or AOT warning, and the native binary runs.</summary>
    [NativeAotFact]
    public void NativeAotPublishRuns()
    {
        var app = NewQuickStartApp("aot");
        var output = Path.Combine(app, "native");
        var publish = Checked(_feed.DotNetIn(app, "publish", "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier,
            "-p:PublishAot=true", "-o", output));
        Assert.DoesNotMatch(new Regex(@"warning (IL\d{4}|NETSDK\d{4})"), publish.Output);

        var binary = Path.Combine(output, OperatingSystem.IsWindows() ? "aot.exe" : "aot");
        Assert.True(File.Exists(binary), "no native binary at " + binary);
        Assert.False(File.Exists(Path.Combine(output, "aot.dll")), "the publish output holds IL, not a native binary");
        var run = Checked(DotNet.Run(app, binary, Array.Empty<string>()));
        AssertAgreesWithReference(run.Output);
    }

    /// <summary>A compiler older than the generator's floor stops the build with TDSLBUILD001 and the reason.</summary>
    [Fact]
    public void CompilerOlderThanTheFloorStopsTheBuild()
    {
        var app = NewQuickStartApp("oldcompiler");
        var build = _feed.DotNetIn(app, "build", "-c", "Release", "-p:CompilerApiVersion=roslyn4.7");
        _log.WriteLine(build.ToString());
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error TDSLBUILD001: TensorDsl needs the C# compiler (Roslyn) 4.8 or newer, but this build uses Roslyn 4.7.", build.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("error CS", build.Output, StringComparison.Ordinal);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    /// <summary>The package README's quick start: `dotnet new console`, `dotnet add package TensorDsl`, its Program.cs.</summary>
    private string NewQuickStartApp(string name)
    {
        var app = _feed.NewDirectory(name);
        Checked(_feed.DotNetIn(app, "new", "console", "--name", name, "--output", ".", "--framework", "net10.0"));
        Checked(_feed.DotNetIn(app, "add", "package", "TensorDsl", "--version", _feed.Version));
        File.WriteAllText(Path.Combine(app, "Program.cs"), Docs.PackageReadmeProgram());
        return app;
    }

    private static void AssertAgreesWithReference(string output)
    {
        var match = Regex.Match(output, @"max \|Run - Reference\| = (\S+)");
        Assert.True(match.Success, "the quick start printed no comparison:\n" + output);
        var worst = double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(worst, 0, 1e-5);
    }

    /// <summary>Copies every marked source, stripped, and returns the diagnostics its markers expect (full paths).</summary>
    private static IReadOnlyList<ExpectedDiagnostic> CopyMarked(string from, string to)
    {
        var expected = new List<ExpectedDiagnostic>();
        foreach (var file in Directory.GetFiles(from, "*.cs").OrderBy(f => f, StringComparer.Ordinal))
        {
            var target = Path.Combine(to, Path.GetFileName(file));
            var (text, found) = Markers.Strip(target, File.ReadAllText(file));
            File.WriteAllText(target, text);
            expected.AddRange(found);
        }

        return expected;
    }

    /// <summary>The distinct "file(line,col): error TDSLnnnn:" prefixes of a build's output.</summary>
    private static IEnumerable<string> ReportedErrors(string output) =>
        Regex.Matches(output, @"^\s*(?<where>\S.*?\(\d+,\d+\)): error (?<id>[A-Z]+\d+):", RegexOptions.Multiline)
            .Select(m => $"{m.Groups["where"].Value}: error {m.Groups["id"].Value}:")
            .Distinct(StringComparer.Ordinal)
            .OrderBy(s => s, StringComparer.Ordinal);

    private CommandResult Checked(CommandResult result)
    {
        _log.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
