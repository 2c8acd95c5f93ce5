using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TensorDsl.Analyzers;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>What a build reports: every diagnostic, and which of them lie in generated files.</summary>
internal sealed record BuildResult(ImmutableArray<Diagnostic> Diagnostics, ImmutableHashSet<SyntaxTree> GeneratedTrees, Compilation Output)
{
    /// <summary>Errors and warnings, as <c>dotnet build</c> would list them (hidden and info left out).</summary>
    public ImmutableArray<Diagnostic> Reported =>
        Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>Reported diagnostics that point into a generated file (there must be none).</summary>
    public ImmutableArray<Diagnostic> InGeneratedCode =>
        Reported.Where(d => d.Location.SourceTree is { } tree && GeneratedTrees.Contains(tree)).ToImmutableArray();

    public string Describe() => Reported.IsEmpty ? "(nothing)" : string.Join("\n", Reported.Select(d => d.ToString()));
}

/// <summary>
/// Compiles sources the way <c>dotnet build</c> does: the source generator runs first, then the compiler and the
/// analyzers see the same compilation, generated files included. Analyzer unit tests that leave the generator out
/// cannot see what a build sees (the generated members, the follow-on errors of a missing one), so every diagnostic
/// rule is also tested through this (docs/testing.md, "Diagnostics, end to end").
/// </summary>
internal static class BuildLike
{
    /// <summary>The compiler a .NET 10 project builds with: the latest language version, nullable on.</summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static async Task<BuildResult> CompileAsync(params string[] sources) =>
        await CompileAsync(ParseOptions, OutputKind.DynamicallyLinkedLibrary, sources).ConfigureAwait(false);

    /// <summary>A program (top-level statements allowed), as the README's quick start is.</summary>
    public static async Task<BuildResult> CompileProgramAsync(params string[] sources) =>
        await CompileAsync(ParseOptions, OutputKind.ConsoleApplication, sources).ConfigureAwait(false);

    public static async Task<BuildResult> CompileAsync(CSharpParseOptions parseOptions, OutputKind kind, params string[] sources)
    {
        var references = await GeneratorHarness.ReferencesAsync().ConfigureAwait(false);
        var compilation = CSharpCompilation.Create(
            "Consumer",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"/src/File{i}.cs")),
            references,
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new AttentionKernelGenerator().AsSourceGenerator() }, parseOptions: parseOptions);
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);
        var generated = driver.GetRunResult().GeneratedTrees.ToImmutableHashSet();

        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var analyzed = output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new AttentionKernelAnalyzer()), options);
        var all = await analyzed.GetAllDiagnosticsAsync(CancellationToken.None).ConfigureAwait(false);
        if (!exceptions.IsEmpty)
        {
            throw new AggregateException("the analyzer threw", exceptions);
        }

        return new BuildResult(all.AddRange(generatorDiagnostics), generated, output);
    }
}
