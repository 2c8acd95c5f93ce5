using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using TensorDsl.Package.Tests.Infrastructure;

namespace TensorDsl.Package.Tests;

/// <summary>The packed TensorDsl.nupkg holds what docs/packaging.md says, and nothing a consumer must not get.</summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageLayoutTests(PackedFeed feed)
{
    [Fact]
    public void FilesAreWhereNuGetAndTheCompilerLookForThem()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        var files = package.Entries.Select(e => e.FullName).Where(n => !n.StartsWith("package/", StringComparison.Ordinal) && !n.StartsWith("_rels/", StringComparison.Ordinal) && n != "[Content_Types].xml").OrderBy(n => n, StringComparer.Ordinal).ToArray();

        // The docs ship too (every help link opens its page in the package by default): exactly the repository's docs.
        var docs = Directory.GetFiles(Path.Combine(PackedFeed.RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories)
            .Select(f => "docs/" + Path.GetRelativePath(Path.Combine(PackedFeed.RepositoryRoot, "docs"), f).Replace('\\', '/'))
            .OrderBy(n => n, StringComparer.Ordinal).ToArray();
        Assert.Contains("docs/diagnostics/TDSL0001.md", docs);
        Assert.Equal(docs, files.Where(f => f.StartsWith("docs/", StringComparison.Ordinal)).ToArray());
        files = files.Where(f => !f.StartsWith("docs/", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[]
        {
            "README.md",
            "TensorDsl.nuspec",
            "analyzers/dotnet/cs/TensorDsl.Analyzers.dll",
            "analyzers/dotnet/cs/TensorDsl.CodeFixes.dll",
            "analyzers/dotnet/cs/TensorDsl.Generators.dll",
            "build/TensorDsl.targets",
            "buildTransitive/TensorDsl.targets",
            "lib/net10.0/TensorDsl.dll",
            "lib/net10.0/TensorDsl.xml",
        }, files);

        using var readme = new StreamReader(package.GetEntry("README.md")!.Open());
        Assert.Equal(Docs.Read("src/TensorDsl/PackageReadme.md"), readme.ReadToEnd().Replace("\r\n", "\n"));
    }

    [Fact]
    public void MetadataHasAReadmeLicenceUrlsAndReleaseNotesButNoIconAndOneDependency()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        using var stream = package.GetEntry("TensorDsl.nuspec")!.Open();
        var metadata = XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("TensorDsl", Value("id"));
        Assert.Equal(feed.Version, Value("version"));
        Assert.Equal("README.md", Value("readme"));
        Assert.StartsWith("https://", Value("projectUrl"), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(Value("description")));
        Assert.Equal("MIT", Value("license"));
        Assert.Contains("CHANGELOG.md", Value("releaseNotes"), StringComparison.Ordinal);
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")!.Value); // what SourceLink maps the PDB to
        Assert.Null(Value("icon"));
        Assert.Null(Value("iconUrl"));
        Assert.Null(Value("developmentDependency"));

        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => e.Attribute("id")!.Value).ToArray();
        Assert.Equal(new[] { "System.Numerics.Tensors" }, dependencies);
    }
}
