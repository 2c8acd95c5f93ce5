using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace TensorDsl.Package.Tests.Infrastructure;

/// <summary>
/// Packs src/TensorDsl (as built by this solution's build, <c>--no-build</c>) into a temporary local feed under a version
/// no cache can hold (<c>0.1.0-consumer.&lt;stamp&gt;</c>), and lays out an isolated consumer root beside it: its own
/// nuget.config (the local feed plus nuget.org for the package's own dependencies), its own packages folder, and empty
/// Directory.Build.props/.targets so nothing of this repository leaks in. Consumers reference the package by
/// PackageReference only. Set TENSORDSL_KEEP_CONSUMERS=1 to keep the folder for inspection.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    public PackedFeed()
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "-" + Environment.ProcessId;
        Version = "0.1.0-consumer." + stamp;
        Root = Path.Combine(Path.GetTempPath(), "tensordsl-consumers-" + stamp);
        Feed = Path.Combine(Root, "feed");
        Packages = Path.Combine(Root, "packages");
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(Packages);

        Pack = DotNet.Run(RepositoryRoot, "dotnet", new[]
        {
            "pack", Path.Combine("src", "TensorDsl", "TensorDsl.csproj"), "-c", Configuration, "--no-build",
            "-o", Feed, "-p:Version=" + Version,
        });
        PackagePath = Path.Combine(Feed, $"TensorDsl.{Version}.nupkg");
        if (Pack.ExitCode != 0 || !File.Exists(PackagePath))
        {
            throw new InvalidOperationException("dotnet pack failed:\n" + Pack);
        }

        WriteConsumerRoot(Root, Feed, Packages);
    }

    /// <summary>
    /// Makes <paramref name="root"/> an isolated consumer root: a nuget.config with <paramref name="feed"/> plus nuget.org,
    /// <paramref name="packages"/> as the global packages folder (the machine's only as a read-only fallback), and empty
    /// Directory.Build.props/.targets so nothing of this repository leaks in.
    /// </summary>
    public static void WriteConsumerRoot(string root, string feed, string packages)
    {
        var fallback = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } shared
            ? shared
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var fallbackEntry = Directory.Exists(fallback)
            ? $"\n  <fallbackPackageFolders>\n    <clear />\n    <add key=\"machine\" value=\"{fallback}\" />\n  </fallbackPackageFolders>"
            : "";
        File.WriteAllText(Path.Combine(root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="tensordsl-local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>{fallbackEntry}
            </configuration>
            """);
        File.WriteAllText(Path.Combine(root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(root, "Directory.Build.targets"), "<Project />\n");
    }

    public string Version { get; }

    public string Root { get; }

    public string Feed { get; }

    /// <summary>The consumers' own global packages folder (TensorDsl is extracted here, never from a shared cache).</summary>
    public string Packages { get; }

    public string PackagePath { get; }

    public CommandResult Pack { get; }

    /// <summary>NuGet's environment for every consumer command.</summary>
    public IReadOnlyDictionary<string, string> NuGetEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

    public static string Configuration => new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Runs dotnet in a consumer directory with the isolated NuGet settings.</summary>
    public CommandResult DotNetIn(string directory, params string[] arguments) => DotNet.Run(directory, "dotnet", arguments, NuGetEnvironment);

    /// <summary>A net10.0 class library in <paramref name="directory"/> that references the packed TensorDsl by PackageReference.</summary>
    public void WriteLibraryProject(string directory, string name) => File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="TensorDsl" Version="{Version}" />
          </ItemGroup>
        </Project>
        """);

    public string NewDirectory(string name)
    {
        var directory = Path.Combine(Root, name);
        Directory.CreateDirectory(directory);
        return directory;
    }

    public void Dispose()
    {
        if (System.Environment.GetEnvironmentVariable("TENSORDSL_KEEP_CONSUMERS") is not { Length: > 0 })
        {
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string FindRepositoryRoot()
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
}

[CollectionDefinition(Name)]
public sealed class PackedFeedCollection : ICollectionFixture<PackedFeed>
{
    public const string Name = "packed feed";
}
