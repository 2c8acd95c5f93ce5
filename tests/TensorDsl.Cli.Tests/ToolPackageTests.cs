using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;

namespace TensorDsl.Cli.Tests;

/// <summary>
/// The tool as a user gets it (docs/cli.md): packed from this build into a temporary feed, installed from that feed with
/// `dotnet tool install`, and run by its command name. The package must stay small (no ONNX Runtime) and carry a readme.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    /// <summary>The ceiling the tool package is held to; with ONNX Runtime's native libraries it was 162 MB.</summary>
    private const long MaxPackageBytes = 10L * 1024 * 1024;

    private readonly string _root = Directory.CreateTempSubdirectory("tensordsl-tool-package-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void PacksSmallWithAReadmeInstallsFromALocalFeedAndRunsAsTensordsl()
    {
        var feed = Path.Combine(_root, "feed");
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        // A publish folder of its own: a pack of the tool publishes first, and another test may be packing it at the same time.
        var pack = Run(RepositoryRoot(), "dotnet", "pack", Path.Combine("tools", "TensorDsl.Cli", "TensorDsl.Cli.csproj"), "-c", configuration, "--no-build", "-o", feed,
            "-p:PublishDir=" + Path.Combine(_root, "publish") + Path.DirectorySeparatorChar);
        Assert.True(pack.ExitCode == 0, pack.ToString());

        var package = Directory.GetFiles(feed, "TensorDsl.Tool.*.nupkg").Single();
        Assert.Single(Directory.GetFiles(feed, "TensorDsl.Tool.*.snupkg"));
        var size = new FileInfo(package).Length;
        Assert.True(size <= MaxPackageBytes, $"the tool package is {size / 1e6:F1} MB, over the {MaxPackageBytes / 1e6:F1} MB ceiling");

        using (var zip = ZipFile.OpenRead(package))
        {
            var names = zip.Entries.Select(e => e.FullName).ToArray();
            Assert.Contains("README.md", names);
            Assert.DoesNotContain(names, n => n.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase) || n.Contains("Protobuf", StringComparison.OrdinalIgnoreCase));
            using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            Assert.Equal("README.md", metadata.Elements().Single(e => e.Name.LocalName == "readme").Value);
            Assert.Equal("MIT", metadata.Elements().Single(e => e.Name.LocalName == "license").Value);
        }

        // The install a user runs (docs/cli.md), into a folder of its own rather than the machine's global tools, with a
        // packages folder of its own so the package comes from the feed.
        var tools = Path.Combine(_root, "tools");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_root, "packages") };
        var install = Run(_root, "dotnet", environment, "tool", "install", "TensorDsl.Tool", "--tool-path", tools, "--add-source", feed, "--prerelease");
        Assert.True(install.ExitCode == 0, install.ToString());
        var tensordsl = Path.Combine(tools, OperatingSystem.IsWindows() ? "tensordsl.exe" : "tensordsl");

        var help = Run(_root, tensordsl, "--help");
        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("Usage:\n  tensordsl [command] [options]", help.Output, StringComparison.Ordinal);

        // The installed tool has no ONNX Runtime: its bench must run (and pass) without it.
        var bench = Run(_root, tensordsl, "bench", "--smoke", "--cases", "D1", "--min-time", "0.05");
        Assert.True(bench.ExitCode == 0, bench.ToString());
        Assert.Contains("1 case(s) passed, 0 failed", bench.Output, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TensorDsl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("TensorDsl.sln not found above " + AppContext.BaseDirectory);
    }

    private static Result Run(string directory, string fileName, params string[] arguments) => Run(directory, fileName, null, arguments);

    private static Result Run(string directory, string fileName, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // No build node or compiler server may outlive the command (they would hold this test's pipes open).
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        info.Environment["DOTNET_CLI_DO_NOT_USE_MSBUILD_SERVER"] = "1";
        info.Environment["UseSharedCompilation"] = "false";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException(fileName + " " + string.Join(' ', arguments));
        }

        return new Result($"{fileName} {string.Join(' ', arguments)}", process.ExitCode, (stdout.Result + stderr.Result).Replace("\r\n", "\n"));
    }

    private sealed record Result(string Command, int ExitCode, string Output)
    {
        public override string ToString() => $"$ {Command}\n(exit {ExitCode})\n{Output}";
    }
}
