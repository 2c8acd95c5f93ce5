using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TensorDsl.Analyzers;
using TensorDsl.CodeFixes;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>
/// Runs <see cref="AttentionKernelAnalyzer"/> (and its code fix) over markup such as <c>{|TDSL0001:Name|}</c>, the way a
/// build does: the source generator runs first and the analyzers see its output in the same compilation, so a test
/// passes only if the expected diagnostics survive the generated code and nothing else (a CS error caused by a missing
/// or broken generated member, say) is reported. The generated sources themselves are checked by the baseline tests.
/// </summary>
internal static class AnalyzerVerifier
{
    private static readonly Type[] Generators = { typeof(AttentionKernelGenerator) };

    public static Task VerifyAsync(string source) => CreateTest(source).RunAsync();

    /// <summary>An analyzer test over <paramref name="source"/> (after the kernel usings) with the generator in the build.</summary>
    public static CSharpAnalyzerTest<AttentionKernelAnalyzer, DefaultVerifier> CreateTest(string source)
    {
        var test = new AnalyzerTest
        {
            TestCode = TestReferences.Usings + source,
            ReferenceAssemblies = TestReferences.Framework,
            TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck,
        };
        test.TestState.AdditionalReferences.AddRange(new[] { TestReferences.Runtime, TestReferences.Tensors });
        return test;
    }

    public static Task VerifyFixAsync(string source, string fixedSource) => VerifyFixAsync<AddModifierCodeFixProvider>(source, fixedSource);

    /// <param name="usings">Whether the kernel usings go in front (false: the source states its own).</param>
    public static Task VerifyFixAsync<TFix>(string source, string fixedSource, bool usings = true)
        where TFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
    {
        var prefix = usings ? TestReferences.Usings : string.Empty;
        var test = new FixTest<TFix>
        {
            TestCode = prefix + source,
            FixedCode = prefix + fixedSource,
            ReferenceAssemblies = TestReferences.Framework,
            TestBehaviors = TestBehaviors.SkipGeneratedSourcesCheck,
        };
        test.TestState.AdditionalReferences.AddRange(new[] { TestReferences.Runtime, TestReferences.Tensors });
        test.FixedState.AdditionalReferences.AddRange(new[] { TestReferences.Runtime, TestReferences.Tensors });
        return test.RunAsync();
    }

    private sealed class AnalyzerTest : CSharpAnalyzerTest<AttentionKernelAnalyzer, DefaultVerifier>
    {
        protected override IEnumerable<Type> GetSourceGenerators() => Generators;
    }

    private sealed class FixTest<TFix> : CSharpCodeFixTest<AttentionKernelAnalyzer, TFix, DefaultVerifier>
        where TFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
    {
        protected override IEnumerable<Type> GetSourceGenerators() => Generators;
    }
}
