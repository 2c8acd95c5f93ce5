using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>One run of <see cref="AttentionKernelGenerator"/>: the driver to rerun, what it produced, and the compilations.</summary>
internal sealed class GeneratorRun
{
    public GeneratorRun(GeneratorDriver driver, Compilation inputCompilation, Compilation outputCompilation, ImmutableArray<Diagnostic> generatorDiagnostics)
    {
        Driver = driver;
        InputCompilation = inputCompilation;
        OutputCompilation = outputCompilation;
        GeneratorDiagnostics = generatorDiagnostics;
        Result = driver.GetRunResult();
    }

    /// <summary>The driver after the run; pass it (not the original) to the next run so its caches are used.</summary>
    public GeneratorDriver Driver { get; }

    public Compilation InputCompilation { get; }

    /// <summary>The input compilation plus every generated tree.</summary>
    public Compilation OutputCompilation { get; }

    /// <summary>Diagnostics the generator itself reported (the analyzers report the kernel's own).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics { get; }

    public GeneratorDriverRunResult Result { get; }

    /// <summary>The single generator's result.</summary>
    public GeneratorRunResult Generator => Result.Results.Single();

    public ImmutableArray<GeneratedSourceResult> Sources => Generator.GeneratedSources;

    /// <summary>The one generated file whose hint name ends with <paramref name="hintNameSuffix"/>.</summary>
    public string Source(string hintNameSuffix)
    {
        var matches = Sources.Where(s => Readable(s.HintName).EndsWith(hintNameSuffix, StringComparison.Ordinal)).ToList();
        if (matches.Count != 1)
        {
            throw new InvalidOperationException(
                $"Expected one generated file ending with '{hintNameSuffix}', found {matches.Count}; generated: " +
                (Sources.IsEmpty ? "(none)" : string.Join(", ", Sources.Select(s => s.HintName))));
        }

        return matches[0].SourceText.ToString();
    }

    /// <summary>
    /// A hint name without the hash that keeps kernels apart whose names differ only by case
    /// (<c>Ns.Attn.1a2b3c4d.TensorDsl.g.cs</c> → <c>Ns.Attn.TensorDsl.g.cs</c>).
    /// </summary>
    public static string Readable(string hintName) =>
        System.Text.RegularExpressions.Regex.Replace(hintName, @"\.[0-9a-f]{8}\.TensorDsl\.g\.cs$", ".TensorDsl.g.cs");

    /// <summary>Warnings and errors of the output compilation (user code and generated code alike).</summary>
    public ImmutableArray<Diagnostic> CompilationProblems() =>
        OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
}

/// <summary>
/// Compiles kernel sources against the .NET 8 reference assemblies and the TensorDsl runtime, and runs the
/// attention kernel generator over them with incremental step tracking on.
/// </summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<Task<ImmutableArray<MetadataReference>>> References = new(LoadReferencesAsync);

    /// <summary>
    /// C# 12 is what the .NET 8 SDK (the oldest one the Roslyn floor supports) compiles net8.0 projects with, so the
    /// generated code must compile under it. Documentation comments are checked, as in a library with
    /// GenerateDocumentationFile on.
    /// </summary>
    public static CSharpParseOptions ParseOptions { get; } = new CSharpParseOptions(LanguageVersion.CSharp12, DocumentationMode.Diagnose);

    /// <summary>Nullable on and every warning wave, so that anything the generated code could warn about shows.</summary>
    public static CSharpCompilationOptions CompilationOptions { get; } =
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
            .WithWarningLevel(9999);

    public static Task<ImmutableArray<MetadataReference>> ReferencesAsync() => References.Value;

    private static async Task<ImmutableArray<MetadataReference>> LoadReferencesAsync()
    {
        var framework = await TestReferences.Framework.ResolveAsync(LanguageNames.CSharp, default).ConfigureAwait(false);
        return framework.Add(TestReferences.Runtime).Add(TestReferences.Tensors);
    }

    /// <summary>
    /// What every test file starts with: the kernel usings, and CS1591 off because test kernels are public but
    /// undocumented (a pragma is per file, so the generated files are still checked for it).
    /// </summary>
    public const string Prologue = "#pragma warning disable CS1591 // undocumented test kernels\n" + TestReferences.Usings;

    /// <summary>A syntax tree at <paramref name="path"/>; <see cref="Prologue"/> is put in front of <paramref name="source"/>.</summary>
    public static SyntaxTree Parse(string source, string path = "/src/Kernels.cs") =>
        CSharpSyntaxTree.ParseText(Prologue + source, ParseOptions, path);

    /// <summary>A compilation of the given sources, each in its own file (<c>/src/File0.cs</c>, <c>/src/File1.cs</c>, …).</summary>
    public static async Task<CSharpCompilation> CompileAsync(params string[] sources) =>
        CSharpCompilation.Create(
            "KernelTests",
            sources.Select((source, i) => Parse(source, $"/src/File{i}.cs")),
            await ReferencesAsync().ConfigureAwait(false),
            CompilationOptions);

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new AttentionKernelGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Compiles <paramref name="sources"/> and runs a fresh driver over them.</summary>
    public static async Task<GeneratorRun> RunAsync(params string[] sources) => Run(CreateDriver(), await CompileAsync(sources));

    /// <summary>Runs <paramref name="driver"/> (a fresh one, or the driver of an earlier run) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return new GeneratorRun(driver, compilation, output, diagnostics);
    }

    /// <summary>Reruns an earlier run's driver over an edited compilation, as the IDE does after a keystroke.</summary>
    public static GeneratorRun Rerun(this GeneratorRun previous, Compilation edited) => Run(previous.Driver, edited);
}
