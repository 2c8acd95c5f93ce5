using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using TensorDsl.Package.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorDsl.Package.Tests;

/// <summary>
/// Every C# example in the docs is compiled against the packed package, and the programs are run, so the docs cannot
/// drift (docs/testing.md). A block is fenced <c>```csharp</c> (declarations: compiled) or <c>```csharp program</c> (a
/// Program.cs: compiled with the same document's declarations, run, and must exit 0); any other C# fence fails. The
/// documents: README.md, the package README and docs/*.md (the diagnostics pages show broken code on purpose and are
/// checked by BuildDiagnosticTests in tests/TensorDsl.Generators.Tests, which runs generator and analyzer on each page's example).
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class DocsExamplesTests
{
    private const string GlobalUsings = "global using System;\nglobal using TensorDsl;\nglobal using static TensorDsl.Dsl;\n";

    private readonly PackedFeed _feed;
    private readonly ITestOutputHelper _log;

    public DocsExamplesTests(PackedFeed feed, ITestOutputHelper log)
    {
        _feed = feed;
        _log = log;
    }

    public static IEnumerable<object[]> Documents =>
        new[] { "README.md", "src/TensorDsl/PackageReadme.md" }
            .Concat(Directory.GetFiles(Path.Combine(PackedFeed.RepositoryRoot, "docs"), "*.md")
                .Select(f => "docs/" + Path.GetFileName(f))
                .OrderBy(f => f, StringComparer.Ordinal))
            .Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Documents))]
    public void CodeExamplesCompileAndRun(string document)
    {
        var markdown = Docs.Read(document);
        var fences = Regex.Matches(markdown, @"^```(c#|cs|csharp)\b([^\n]*)$", RegexOptions.Multiline | RegexOptions.IgnoreCase)
            .Select(m => m.Value.Trim())
            .ToArray();
        Assert.All(fences, fence => Assert.True(fence is "```csharp" or "```csharp program",
            $"{document}: unknown C# fence '{fence}' (use ```csharp for declarations or ```csharp program for a program)"));

        var declarations = Docs.Blocks(markdown, "csharp");
        var programs = Docs.Blocks(markdown, "csharp program");
        Assert.Equal(fences.Length, declarations.Count + programs.Count);
        if (fences.Length == 0)
        {
            return;
        }

        var name = "docs-" + Regex.Replace(Path.GetFileNameWithoutExtension(document).ToLowerInvariant(), "[^a-z0-9]", "");
        if (document.StartsWith("src/", StringComparison.Ordinal))
        {
            name += "-package";
        }

        if (programs.Count == 0)
        {
            var library = WriteProject(name, declarations, program: null);
            var build = Checked(_feed.DotNetIn(library, "build", "-c", "Release", "-warnaserror"));
            Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
            return;
        }

        for (var i = 0; i < programs.Count; i++)
        {
            var app = WriteProject($"{name}-program{i + 1}", declarations, programs[i]);
            var build = Checked(_feed.DotNetIn(app, "build", "-c", "Release", "-warnaserror"));
            Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
            Checked(_feed.DotNetIn(app, "run", "-c", "Release", "--no-build"));
        }
    }

    private string WriteProject(string name, IReadOnlyList<string> declarations, string? program)
    {
        var directory = _feed.NewDirectory(name);
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>{(program is null ? "Library" : "Exe")}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="TensorDsl" Version="{_feed.Version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "GlobalUsings.cs"), GlobalUsings);
        for (var i = 0; i < declarations.Count; i++)
        {
            File.WriteAllText(Path.Combine(directory, $"Example{i + 1}.cs"), declarations[i]);
        }

        if (program is not null)
        {
            File.WriteAllText(Path.Combine(directory, "Program.cs"), program);
        }

        return directory;
    }

    private CommandResult Checked(CommandResult result)
    {
        _log.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
