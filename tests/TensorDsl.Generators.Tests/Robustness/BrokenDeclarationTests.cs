using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using TensorDsl.Analyzers;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Robustness;

/// <summary>
/// Runs every <see cref="BrokenDeclarations"/> case through the analyzer over the generator's output (as the IDE and
/// the build do, with compiler errors present) and through the generator driver, and asserts that neither crashes and
/// that nothing generated adds an error.
/// </summary>
public class BrokenDeclarationTests
{
    public static IEnumerable<object[]> Cases => BrokenDeclarations.Names;

    [Fact]
    public void ThereAreAtLeastTwentyFiveCases() => Assert.True(BrokenDeclarations.Cases.Count >= 25, $"only {BrokenDeclarations.Cases.Count} cases");

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AnalyzerDoesNotCrash(string name)
    {
        // As in a build: the generator's output (stubs included) is part of what the analyzer sees. BuildLike fails the
        // test with the exception if the analyzer throws.
        var build = await BuildLike.CompileAsync(ParseOptions, OutputKind.DynamicallyLinkedLibrary, BrokenDeclarations.Cases[name]);
        var all = build.Diagnostics;
        Assert.DoesNotContain(all, d => d.Id is "AD0001" or "TDSL9999");

        // Every TDSL diagnostic points into the source the user wrote.
        foreach (var diagnostic in all.Where(d => d.Id.StartsWith("TDSL", StringComparison.Ordinal)))
        {
            Assert.True(diagnostic.Location.IsInSource, $"{diagnostic.Id} has no source location: {diagnostic}");
            Assert.True(diagnostic.Location.SourceSpan.End <= diagnostic.Location.SourceTree!.Length, $"{diagnostic} lies outside its file");
        }

        // The case really is broken: the compiler or the analyzer reports an error.
        Assert.Contains(all, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task GeneratorDoesNotCrash(string name)
    {
        var compilation = await Compile(BrokenDeclarations.Cases[name]);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new AttentionKernelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions);

        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var driverDiagnostics);
        var result = driver.GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        Assert.DoesNotContain(driverDiagnostics, d => d.Id is "CS8784" or "CS8785" or "TDSL9999");
        Assert.DoesNotContain(result.Diagnostics, d => d.Id is "TDSL9999");

        // Whatever it generated for a broken declaration must not add errors of its own.
        var generatedTrees = result.GeneratedSources.Select(s => s.SyntaxTree).ToHashSet();
        Assert.DoesNotContain(output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree));
    }

    internal static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static ImmutableArray<MetadataReference> references;

    /// <summary>A compilation of one file against the .NET 8 reference assemblies and the TensorDsl runtime.</summary>
    internal static async Task<CSharpCompilation> Compile(string source)
    {
        if (references.IsDefault)
        {
            var framework = await TestReferences.Framework.ResolveAsync(LanguageNames.CSharp, CancellationToken.None);
            references = framework.Add(TestReferences.Runtime).Add(TestReferences.Tensors);
        }

        return CSharpCompilation.Create(
            "Broken",
            new[] { CSharpSyntaxTree.ParseText(source, ParseOptions, path: "Kernel.cs") },
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }
}
