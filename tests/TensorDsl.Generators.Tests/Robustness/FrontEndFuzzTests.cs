using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using TensorDsl.Analyzers;
using TensorDsl.Generators.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorDsl.Generators.Tests.Robustness;

/// <summary>
/// Front-end fuzzing (docs/reliability.md): mutated kernel declarations derived from seeds by a seeded PRNG, batched
/// many to a compilation (one file each, each in its own namespace), run through the analyzer (as the IDE does) and
/// the generator (as the build does). Asserts for every declaration: no analyzer exception (no AD0001), no generator
/// exception (no CS8784/CS8785, no TDSL9999), no error in any generated file, and — for a declaration that neither
/// the analyzer nor the compiler reports an error on — no diagnostic at all (warnings included) in its generated
/// file; each batch within a time bound. A batch that fails is rerun one declaration at a time to name the
/// declaration at fault (with its case number, reproducible from <see cref="Mutate"/>).
/// <c>TENSORDSL_FUZZ_COUNT</c> overrides the number of declarations (default 10 000).
/// </summary>
public sealed class FrontEndFuzzTests
{
    private const int BatchSize = 100;
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(10);

    private readonly ITestOutputHelper _output;

    public FrontEndFuzzTests(ITestOutputHelper output) => _output = output;

    private const string Dense = """[Shape("B, Hq, Sq, D")] Bhsd<float> q, [Shape("B, Hkv, Sk, D")] Bhsd<float> k, [Shape("B, Hkv, Sk, D")] Bhsd<float> v""";
    private const string Paged = """[Shape("T, Hq, D")] Tokens<Half> q, [Shape("N, BlockSize, Hkv, D")] Pages<Half> k, [Shape("N, BlockSize, Hkv, D")] Pages<Half> v""";

    /// <summary>
    /// The seeds: valid kernels spanning the grammar. <c>NAME</c> is replaced by the case's class name. Each is also a
    /// regression case on its own (<see cref="Seeds_are_accepted_and_compile_cleanly"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> Seeds = new[]
    {
        "[AttentionKernel]\npublic static partial class NAME\n{\n    static Bhsd<float> Attend(" + Dense + ")\n        => Softmax(q.MatMul(k.T) * Rsqrt(64) + Causal()).MatMul(v);\n}\n",
        "[AttentionKernel]\npublic static partial class NAME\n{\n    const int Hq = 32, Hkv = 8, D = 128;\n    static Bshd<Half> Attend([Shape(\"B, Sq, Hq, D\")] Bshd<Half> q, [Shape(\"B, Sk, Hkv, D\")] Bshd<Half> k, [Shape(\"B, Sk, Hkv, D\")] Bshd<Half> v, [Shape(\"Hq\")] PerHead<float> slopes, [Shape(\"Hq\")] PerHead<float> sinks)\n        => Softmax(q.MatMul(k.T) + Alibi(slopes) + SlidingWindow(left: 127, right: 0), sinks).MatMul(v);\n}\n",
        "[AttentionKernel]\npublic static partial class NAME\n{\n    const int Hq = 8, Hkv = 2, D = 128, BlockSize = 16;\n    static Tokens<Half> Attend(" + Paged + ", PerHead<float> sinks)\n        => Softmax(q.MatMul(k.T) + Causal() + SlidingWindow(9), sinks).MatMul(v);\n}\n",
        "[AttentionKernel]\npublic static partial class NAME\n{\n    static Tokens<BFloat16> Attend([Shape(\"T, Hq, D\")] Tokens<BFloat16> q, [Shape(\"Tk, Hkv, D\")] Tokens<BFloat16> k, [Shape(\"Tk, Hkv, D\")] Tokens<BFloat16> v)\n        => Softmax(Softcap(q.MatMul(k.T), 30f) + ChunkedLocal(64) + Causal()).MatMul(v);\n}\n",
        "[AttentionKernel]\npublic static partial class NAME\n{\n    static Bhsd<float> Attend(" + Dense + ", [Shape(\"B, 1, Sq, Sk\")] Bias<BFloat16> bias)\n        => Softmax(ScoreMod(q.MatMul(k.T), (b, h, i, j, s) => s * 0.5f + h) + bias + Mask((b, h, i, j) => (i - j) % 3 != 1 || j == 0)).MatMul(v);\n}\n",
        "public enum NAMEMode { Near, Far }\n[AttentionKernel]\npublic static partial class NAME\n{\n    static Bhsd<float> Attend(" + Dense + ")\n        => Softmax(axis: -1, scores: ScoreMod(modifier: static (b, h, i, j, s) => s, scores: q.MatMul(k.T)) + Mask(static (int b, int h, int i, int j) => (int)NAMEMode.Far + i >= j)).MatMul(values: v);\n}\n",
        "file static class NAMEHelpers { }\nfile enum NAMEWidth { W = 8 }\n[AttentionKernel]\npublic static partial class NAME\n{\n    static Bhsd<float> Attend(" + Dense + ")\n        => Softmax(q.MatMul(k.T) + Mask((b, h, i, j) => i - j < 8 && j >= 0)).MatMul(v);\n}\n",
        "public partial class NAMEOuter\n{\n    public partial struct Middle\n    {\n        [AttentionKernel]\n        internal static partial class NAME\n        {\n            static Bhsd<float> Attend(" + Dense + ") => Softmax(q.MatMul(k.T) + Causal()).MatMul(v);\n        }\n    }\n}\n",
        "public partial interface INAME\n{\n    [AttentionKernel]\n    public static partial class NAME\n    {\n        static Bhsd<float> Attend(" + Dense + ") => Softmax(q.MatMul(k.T)).MatMul(v);\n    }\n}\n",
        "[AttentionKernel]\npublic static partial class @NAME\n{\n    static Bhsd<float> @Attend([Shape(@\"B, Hq, Sq, D\")] Bhsd<float> @q, [Shape(\"B, Hkv, Sk, D\")] Bhsd<float> @class, [Shape(\"B, Hkv, Sk, D\")] Bhsd<float> @v)\n        => Softmax(@q.MatMul(@class.T) + Mask((@int, h, i, j) => @int >= 0 && i >= j)).MatMul(@v);\n}\n",
        "[AttentionKernel]\npublic static partial class NAME\n{\n    static Bhsd<float> Attend([Shape(\"B, Hq, Sq, D\")] Bhsd<float> Softmax, [Shape(\"B, Hkv, Sk, D\")] Bhsd<float> Causal, [Shape(\"B, Hkv, Sk, D\")] Bhsd<float> Dsl)\n        => TensorDsl.Dsl.Softmax(Softmax.MatMul(Causal.T) + TensorDsl.Dsl.Causal()).MatMul(Dsl);\n}\n",
        "[AttentionKernel(Targets.Cpu)]\npublic static partial class NAME\n{\n    const int G = 4;\n    static Bhsd<float> Attend([Shape(\"B, G*Hkv, Sq, 64\")] Bhsd<float> q, [Shape(\"B, Hkv, Sk, 64\")] Bhsd<Half> k, [Shape(\"B, Hkv, Sk, 64\")] Bhsd<Half> v)\n        => Softmax(q.MatMul(k.T) * 0.125f + Causal()).MatMul(v);\n}\n",
    };

    private static readonly string[] HugeLiterals =
    {
        "0", "-1", "2147483647", "2147483648", "-2147483649", "99999999999999999999", "1e39f", "3.5e38f", "-0f", "float.NaN",
        "float.PositiveInfinity", "1e-45f", "int.MaxValue", "int.MinValue", "0x7FFFFFFF", "1_000_000_000", "'x'", "\"64\"", "null",
    };

    private static readonly string[] Types = { "double", "int", "Half", "BFloat16", "float", "string", "object", "float?", "dynamic", "decimal", "Bhsd<float>", "T" };

    private static readonly string[] Dims = { "B", "Sq", "Sk", "Hq", "Hkv", "D", "T", "Tk", "N", "BlockSize", "G*Hkv", "2*Hq", "64", "0", "-1", "1", "x y", "", "@B", "Hq*Hq*Hq", "99999999999" };

    private static readonly string[] Shadows = { "Softmax", "Causal", "Dsl", "TensorDsl", "Mask", "q", "k", "v", "T", "Bhsd", "Shape", "AttentionKernel", "System", "var", "value", "global", "@class", "_", "NAME", "Attend" };

    private static readonly string[] Inserts = { "file", "static", "partial", "ref", "?", "!", "default", "null", "(", ")", "{", "}", "[", "]", ",", "=>", "new", "checked", "unchecked", "await", "async", ".", ";", "<", ">", "*", "-", "\"", "@", "#if X", "/*", "Causal()", "+ Causal()", "<float>" };

    /// <summary>Case <paramref name="index"/>: a seed, its class name, and one to four mutations, all from the index.</summary>
    public static string Mutate(int index)
    {
        var random = new Random(unchecked(index * 7919 + 17));
        string name = "K" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string source = Seeds[random.Next(Seeds.Count)].Replace("NAME", name, StringComparison.Ordinal);
        // One case in three gets only mutations that keep a valid kernel valid (nesting, verbatim names, another element
        // type everywhere, more score terms), so the second invariant — accepted code compiles cleanly — is exercised
        // often; the others get one to four arbitrary mutations.
        bool benign = random.Next(3) == 0;
        int count = 1 + random.Next(4);
        for (int m = 0; m < count; m++)
        {
            source = benign ? MutateBenign(source, random) : MutateOnce(source, random);
        }

        return "namespace Fuzz" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n{\n" + source + "\n}\n";
    }

    private static string MutateOnce(string source, Random random)
    {
        var tokens = SyntaxFactory.ParseTokens(source).Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).Select(t => t.ToFullString()).ToList();
        if (tokens.Count == 0) return source;
        int at = random.Next(tokens.Count);
        switch (random.Next(11))
        {
            case 0: // delete a token
                tokens.RemoveAt(at);
                break;
            case 1: // swap two neighbours
                if (at + 1 < tokens.Count) (tokens[at], tokens[at + 1]) = (tokens[at + 1], tokens[at]);
                break;
            case 2: // duplicate a token
                tokens.Insert(at, tokens[at]);
                break;
            case 3: // a huge, odd or wrongly typed literal in place of a numeric one (or anywhere)
            {
                var numeric = Indexes(tokens, t => t.Trim().Length > 0 && char.IsDigit(t.Trim()[0]));
                int where = numeric.Count > 0 ? numeric[random.Next(numeric.Count)] : at;
                tokens[where] = " " + HugeLiterals[random.Next(HugeLiterals.Length)] + " ";
                break;
            }
            case 4: // a wrong element type
            {
                var typed = Indexes(tokens, t => t.Trim() is "float" or "Half" or "BFloat16");
                int where = typed.Count > 0 ? typed[random.Next(typed.Count)] : at;
                tokens[where] = " " + Types[random.Next(Types.Length)] + " ";
                break;
            }
            case 5: // a random shape
            {
                var shapes = Indexes(tokens, t => t.TrimStart().StartsWith('"') || t.TrimStart().StartsWith("@\"", StringComparison.Ordinal));
                if (shapes.Count == 0) break;
                int n = random.Next(7);
                tokens[shapes[random.Next(shapes.Count)]] = " \"" + string.Join(", ", Enumerable.Range(0, n).Select(_ => Dims[random.Next(Dims.Length)])) + "\" ";
                break;
            }
            case 6: // half-typed: the text stops here
                return string.Concat(tokens.Take(at));
            case 7: // deep nesting of the expression, or a long chain of score terms
            {
                int arrow = tokens.FindIndex(t => t.Trim() == "=>");
                if (arrow < 0) break;
                int depth = 1 + random.Next(400);
                int end = tokens.FindIndex(arrow, t => t.Trim() == ";");
                if (end < 0) break;
                if (random.Next(2) == 0)
                {
                    tokens.Insert(end, new string(')', depth));
                    tokens.Insert(arrow + 1, new string('(', depth));
                }
                else
                {
                    int softmax = tokens.FindIndex(arrow, t => t.Trim() == "Softmax");
                    int open = softmax < 0 ? -1 : tokens.FindIndex(softmax, t => t.Trim() == "(");
                    if (open < 0) break;
                    tokens.Insert(open + 1, string.Concat(Enumerable.Repeat("Causal() + ", depth)));
                }

                break;
            }
            case 8: // an identifier turned verbatim or into a name that shadows the DSL's
            {
                var identifiers = Indexes(tokens, t => SyntaxFacts.IsValidIdentifier(t.Trim()) && SyntaxFacts.GetKeywordKind(t.Trim()) == SyntaxKind.None);
                if (identifiers.Count == 0) break;
                int where = identifiers[random.Next(identifiers.Count)];
                tokens[where] = random.Next(2) == 0 ? " @" + tokens[where].Trim() + " " : " " + Shadows[random.Next(Shadows.Length)] + " ";
                break;
            }
            case 9: // a stray token
                tokens.Insert(at, " " + Inserts[random.Next(Inserts.Length)] + " ");
                break;
            default: // a token from elsewhere in the declaration
                tokens[at] = tokens[random.Next(tokens.Count)];
                break;
        }

        return string.Concat(tokens);
    }

    private static string MutateBenign(string source, Random random)
    {
        switch (random.Next(4))
        {
            case 0: // every element type of the seed becomes another one
            {
                string[] element = { "float", "Half", "BFloat16" };
                string from = element.FirstOrDefault(e => source.Contains("<" + e + ">", StringComparison.Ordinal)) ?? "float";
                string to = element[random.Next(element.Length)];
                return source.Replace("<" + from + ">", "<" + to + ">", StringComparison.Ordinal);
            }

            case 1: // verbatim identifiers
            {
                var tokens = SyntaxFactory.ParseTokens(source).Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToList();
                var text = tokens.Select(t => t.ToFullString()).ToList();
                for (int i = 0; i < tokens.Count; i++)
                {
                    if (tokens[i].IsKind(SyntaxKind.IdentifierToken) && !tokens[i].Text.StartsWith('@') && random.Next(3) == 0)
                    {
                        text[i] = tokens[i].LeadingTrivia.ToFullString() + "@" + tokens[i].Text + tokens[i].TrailingTrivia.ToFullString();
                    }
                }

                return string.Concat(text);
            }

            case 2: // parentheses around the whole expression
            {
                int arrow = source.IndexOf("=> Softmax", StringComparison.Ordinal);
                int end = arrow < 0 ? -1 : source.IndexOf(';', arrow);
                if (end < 0) return source;
                int depth = 1 + random.Next(200);
                return source[..(arrow + 3)] + new string('(', depth) + source[(arrow + 3)..end] + new string(')', depth) + source[end..];
            }

            default: // more score terms
            {
                int at = source.IndexOf("q.MatMul(k.T)", StringComparison.Ordinal);
                if (at < 0) return source;
                int end = at + "q.MatMul(k.T)".Length;
                string[] terms = { " * 0.5f", " + Causal()", " + SlidingWindow(3)", " * Rsqrt(64)" };
                return source[..end] + terms[random.Next(terms.Length)] + source[end..];
            }
        }
    }

    private static List<int> Indexes(List<string> tokens, Func<string, bool> predicate)
    {
        var result = new List<int>();
        for (int i = 0; i < tokens.Count; i++)
        {
            if (predicate(tokens[i])) result.Add(i);
        }

        return result;
    }

    public static int Count =>
        int.TryParse(Environment.GetEnvironmentVariable("TENSORDSL_FUZZ_COUNT"), out int n) && n > 0 ? n : 10_000;

    [Fact]
    public async Task Mutated_declarations_never_crash_and_accepted_ones_compile_cleanly()
    {
        var clock = Stopwatch.StartNew();
        int count = Count, accepted = 0, batches = 0;
        var mirrored = new List<string>();
        var failures = new List<string>();
        var maxBatch = TimeSpan.Zero;
        for (int first = 0; first < count; first += BatchSize)
        {
            var indexes = Enumerable.Range(first, Math.Min(BatchSize, count - first)).ToArray();
            var batchClock = Stopwatch.StartNew();
            var result = await RunBatch(indexes);
            batchClock.Stop();
            batches++;
            if (batchClock.Elapsed > maxBatch) maxBatch = batchClock.Elapsed;
            accepted += result.Accepted;
            mirrored.AddRange(result.Mirrored);
            if (result.Problems.Count > 0 || batchClock.Elapsed > CaseBound * indexes.Length)
            {
                // Name the declaration(s) at fault: one at a time, each within the bound.
                foreach (int index in indexes)
                {
                    var single = Stopwatch.StartNew();
                    var alone = await RunBatch(new[] { index });
                    single.Stop();
                    failures.AddRange(alone.Problems.Select(p => $"case {index}: {p}"));
                    if (single.Elapsed > CaseBound) failures.Add($"case {index}: took {single.Elapsed.TotalSeconds:F1} s (bound {CaseBound.TotalSeconds} s)");
                }
            }

            if (failures.Count > 20) break;
        }

        _output.WriteLine($"{count} mutated declarations in {batches} compilations, {accepted} accepted by the analyzer and the compiler; " +
            $"{clock.Elapsed.TotalSeconds:F1} s, slowest compilation {maxBatch.TotalSeconds:F1} s; " +
            $"{mirrored.Count} generated warnings repeating the user's own ({string.Join(", ", mirrored.Select(m => m[(m.LastIndexOf(' ') + 1)..]).Distinct())})");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)) + "\n\nfirst failing source:\n" +
            (failures.Count > 0 ? Mutate(int.Parse(Regex.Match(failures[0], @"case (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) : ""));
    }

    /// <summary>Each seed alone: the analyzer and the compiler accept it, and its generated code has no diagnostic.</summary>
    [Fact]
    public async Task Seeds_are_accepted_and_compile_cleanly()
    {
        for (int s = 0; s < Seeds.Count; s++)
        {
            string source = "namespace Seed" + s + "\n{\n" + Seeds[s].Replace("NAME", "S" + s, StringComparison.Ordinal) + "\n}\n";
            var result = await RunSources(new[] { source });
            Assert.True(result.Problems.Count == 0, $"seed {s}: " + string.Join("\n", result.Problems));
            Assert.True(result.Accepted == 1, $"seed {s} is not accepted: {string.Join("\n", result.Rejections)}\n{source}");
        }
    }

    /// <summary>
    /// Cases the fuzzer found failing, kept as regression cases:
    /// 33, 114, 207 — an identity score modifier (<c>ScoreMod(..., (b, h, i, j, s) => s)</c>) made the CPU emitter print
    /// <c>score = score;</c> (CS1717 in the generated file; fixed in Targets/Cpu/CpuEmitter.cs; seed 5 has it too);
    /// 9568 — <c>Rsqrt('x')</c>: the front end converted the char constant with Convert.ToDouble (InvalidCastException,
    /// AD0001 in the analyzer and TDSL9999 in the generator; fixed in frontend/Parsing/ExpressionParser.cs);
    /// 464, 5458 — <c>j == 2147483648</c> in a mask lambda: the generated copy repeated the user's own CS0652 (the
    /// emitter now suppresses warnings around code printed from the declaration).
    /// </summary>
    public static TheoryData<int> Regressions => new() { 33, 114, 207, 464, 5458, 9568 };

    [Theory]
    [MemberData(nameof(Regressions))]
    public async Task Regression_case_is_handled(int index)
    {
        var result = await RunBatch(new[] { index });
        Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems) + "\n" + Mutate(index));
    }

    [Theory]
    [InlineData("Rsqrt('x')")]
    [InlineData("Rsqrt(\"x\")")]
    [InlineData("Rsqrt(true)")]
    [InlineData("Rsqrt(1e300)")]
    [InlineData("Rsqrt(-1)")]
    [InlineData("Rsqrt(0)")]
    public async Task Odd_Rsqrt_constants_never_crash(string scale)
    {
        string source = "namespace R\n{\n" + Seeds[0].Replace("NAME", "R", StringComparison.Ordinal).Replace("Rsqrt(64)", scale, StringComparison.Ordinal) + "\n}\n";
        var result = await RunSources(new[] { source });
        Assert.True(result.Problems.Count == 0, string.Join("\n", result.Problems));
    }

    private sealed record BatchResult(int Accepted, List<string> Problems, List<string> Rejections, List<string> Mirrored);

    private static Task<BatchResult> RunBatch(int[] indexes) => RunSources(indexes.Select(Mutate).ToArray());

    private static async Task<BatchResult> RunSources(string[] sources)
    {
        var compilation = await GeneratorHarness.CompileAsync(sources);
        var problems = new List<string>();
        var rejections = new List<string>();
        var mirrored = new List<string>();

        // The analyzer, as the IDE runs it: with whatever compiler errors the code has.
        var exceptions = new ConcurrentQueue<Exception>();
        var analyzerOptions = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var analyzed = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new AttentionKernelAnalyzer()), analyzerOptions);
        var analyzerDiagnostics = await analyzed.GetAnalyzerDiagnosticsAsync(CancellationToken.None);
        problems.AddRange(exceptions.Select(e => "analyzer exception: " + e.GetType().Name + ": " + e.Message));
        problems.AddRange(analyzerDiagnostics.Where(d => d.Id is "AD0001" or "TDSL9999").Select(d => "analyzer: " + d));

        // The generator, as the build runs it.
        var run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), compilation);
        var generated = run.Driver.GetRunResult().Results.Single();
        if (generated.Exception is not null) problems.Add("generator exception: " + generated.Exception);
        problems.AddRange(run.GeneratorDiagnostics.Where(d => d.Id is "CS8784" or "CS8785" or "TDSL9999").Select(d => "generator: " + d));
        problems.AddRange(generated.Diagnostics.Where(d => d.Id is "TDSL9999").Select(d => "generator: " + d));

        // Which user files are accepted: no error from the compiler or the analyzer in that file.
        var userTrees = compilation.SyntaxTrees.ToArray();
        var rejected = new HashSet<SyntaxTree>();
        foreach (var d in compilation.GetDiagnostics().Concat(analyzerDiagnostics))
        {
            if (d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree)
            {
                rejected.Add(tree);
                if (sources.Length == 1) rejections.Add(d.ToString());
            }
        }

        // Diagnostics in generated files: an error is always a failure; any diagnostic is one when every file that
        // could have produced it (the file declaring the kernel the generated file names) was accepted.
        foreach (var source in generated.GeneratedSources)
        {
            var diagnostics = run.OutputCompilation.GetSemanticModel(source.SyntaxTree).GetDiagnostics()
                .Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
            if (diagnostics.Length == 0) continue;
            var owner = Owner(source.SourceText.ToString(), sources, userTrees);
            bool ownerAccepted = owner is not null && !rejected.Contains(owner);
            var ownWarnings = owner is null ? new HashSet<string>() : compilation.GetSemanticModel(owner).GetDiagnostics()
                .Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => d.Id).ToHashSet();
            foreach (var d in diagnostics)
            {
                if (d.Severity == DiagnosticSeverity.Error)
                {
                    problems.Add($"generated {source.HintName}: {d}");
                }
                else if (ownerAccepted && ownWarnings.Contains(d.Id))
                {
                    // The user's own lambda carries this warning (e.g. CS0652 for `j == 2147483648`) and the generated
                    // copy repeats it: the emitter suppresses warnings around printed user code, so this is a failure.
                    mirrored.Add($"{source.HintName}: {d.Id}");
                    problems.Add($"generated {source.HintName} repeats the user's warning: {d}");
                }
                else if (ownerAccepted)
                {
                    problems.Add($"generated {source.HintName}: {d}");
                }
            }
        }

        return new BatchResult(userTrees.Count(t => !rejected.Contains(t)), problems, rejections, mirrored);
    }

    /// <summary>The user file whose namespace (Fuzz{i} / Seed{i}) the generated text names; null when none does.</summary>
    private static SyntaxTree? Owner(string generatedText, string[] sources, SyntaxTree[] trees)
    {
        for (int i = 0; i < sources.Length; i++)
        {
            var ns = Regex.Match(sources[i], @"namespace (\w+)");
            if (ns.Success && Regex.IsMatch(generatedText, @"\b" + ns.Groups[1].Value + @"\b")) return trees[i];
        }

        return null;
    }
}
