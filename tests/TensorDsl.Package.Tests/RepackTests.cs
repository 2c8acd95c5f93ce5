using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using TensorDsl.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorDsl.Package.Tests;

/// <summary>
/// The version scheme (docs/packaging.md, "Versions") as a user meets it: pack, add the package, pack again into the same
/// feed, add it again, and the consumer gets the new package, not the one its packages folder already holds. And the
/// solution packs exactly the two packages. Both pack this solution's build (<c>--no-build</c>).
/// </summary>
public sealed class RepackTests : IDisposable
{
    private readonly ITestOutputHelper _log;
    private readonly string _root = Directory.CreateTempSubdirectory("tensordsl-repack-").FullName;

    public RepackTests(ITestOutputHelper log) => _log = log;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>
    /// The two packs differ in their description only (a rebuild here would race the other tests for the build's
    /// outputs), which is enough to tell which package the consumer restored. The control packs the same fixed version
    /// twice and shows the first package coming back: what made every repack stale before the build suffix.
    /// </summary>
    [Fact]
    public void ARepackIntoTheSameFeedReachesTheConsumer()
    {
        var (feed, packages, app) = (Path.Combine(_root, "feed"), Path.Combine(_root, "packages"), Path.Combine(_root, "app"));
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(app);
        PackedFeed.WriteConsumerRoot(_root, feed, packages);
        Checked(DotNetIn(app, packages, "new", "console", "--name", "app", "--output", ".", "--framework", "net10.0"));

        var first = PackAndAdd(feed, packages, app, "repack marker one");
        var second = PackAndAdd(feed, packages, app, "repack marker two");
        Assert.NotEqual(first, second);
        Assert.Matches(@"^0\.1\.0-dev\.\d{17}$", second); // VersionPrefix-dev.<UTC to the millisecond>, nothing passed
        Assert.Contains("repack marker two", RestoredNuspec(packages, second), StringComparison.Ordinal);

        var control = Path.Combine(_root, "control");
        Directory.CreateDirectory(control);
        Checked(DotNetIn(control, packages, "new", "console", "--name", "control", "--output", ".", "--framework", "net10.0"));
        var fixedVersion = "0.1.0-fixed." + Environment.ProcessId;
        PackAndAdd(feed, packages, control, "fixed marker one", fixedVersion);
        PackAndAdd(feed, packages, control, "fixed marker two", fixedVersion);
        Assert.Contains("fixed marker one", RestoredNuspec(packages, fixedVersion), StringComparison.Ordinal);
    }

    [Fact]
    public void TheSolutionPacksExactlyTheLibraryAndTheToolWithSymbols()
    {
        var output = Path.Combine(_root, "solution");
        // A publish folder of its own: the tool's pack publishes first, and ToolPackageTests may be packing it at the same time.
        var publish = Path.Combine(_root, "publish") + Path.DirectorySeparatorChar;
        Checked(DotNet.Run(PackedFeed.RepositoryRoot, "dotnet", new[] { "pack", "TensorDsl.sln", "-c", PackedFeed.Configuration, "--no-build", "-o", output, "-p:PublishDir=" + publish }));
        var files = Directory.GetFiles(output).Select(Path.GetFileName).Select(name => Regex.Replace(name!, @"\.0\.1\.0-dev\.\d{17}\.", ".<version>."));
        Assert.Equal(
            new[] { "TensorDsl.<version>.nupkg", "TensorDsl.<version>.snupkg", "TensorDsl.Tool.<version>.nupkg", "TensorDsl.Tool.<version>.snupkg" },
            files.OrderBy(f => f, StringComparer.Ordinal));

        // The symbols are SourceLink-mapped PDBs: a debugger fetches the sources of the packed commit.
        using var symbols = ZipFile.OpenRead(Directory.GetFiles(output, "TensorDsl.0*.snupkg").Single());
        using var pdb = new StreamReader(symbols.GetEntry("lib/net10.0/TensorDsl.pdb")!.Open(), System.Text.Encoding.Latin1);
        // (GitHub, GitLab, Azure Repos and Bitbucket hosts each have their own URL form; all name the commit.)
        Assert.Matches(@"\{""documents"":\{""[^""]+"":""https://[^""]*[0-9a-f]{40}[^""]*\*""\}\}", pdb.ReadToEnd());
    }

    /// <summary>
    /// Packs with a marker description (and a fixed version if given), then adds TensorDsl as the README says (the newest,
    /// or that version); returns the version the project references.
    /// </summary>
    private string PackAndAdd(string feed, string packages, string app, string marker, string? fixedVersion = null)
    {
        var pack = new[] { "pack", Path.Combine("src", "TensorDsl", "TensorDsl.csproj"), "-c", PackedFeed.Configuration, "--no-build", "-o", feed, "-p:Description=" + marker };
        Checked(DotNet.Run(PackedFeed.RepositoryRoot, "dotnet", fixedVersion is null ? pack : pack.Append("-p:PackageVersion=" + fixedVersion).ToArray()));
        Checked(fixedVersion is null
            ? DotNetIn(app, packages, "add", "package", "TensorDsl", "--prerelease")
            : DotNetIn(app, packages, "add", "package", "TensorDsl", "--version", fixedVersion));
        var project = File.ReadAllText(Directory.GetFiles(app, "*.csproj").Single());
        return Regex.Match(project, @"Include=""TensorDsl"" Version=""([^""]+)""").Groups[1].Value;
    }

    private static string RestoredNuspec(string packages, string version) =>
        File.ReadAllText(Path.Combine(packages, "tensordsl", version.ToLowerInvariant(), "tensordsl.nuspec"));

    private static CommandResult DotNetIn(string directory, string packages, params string[] arguments) =>
        DotNet.Run(directory, "dotnet", arguments, new System.Collections.Generic.Dictionary<string, string> { ["NUGET_PACKAGES"] = packages });

    private CommandResult Checked(CommandResult result)
    {
        _log.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
