using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TensorDsl.Analyzers;
using TensorDsl.CodeFixes;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>Runs <see cref="AttentionKernelAnalyzer"/> (and its code fix) over markup such as <c>{|TDSL0001:Name|}</c>.</summary>
internal static class AnalyzerVerifier
{
    public static Task VerifyAsync(string source)
    {
        var test = new CSharpAnalyzerTest<AttentionKernelAnalyzer, DefaultVerifier>
        {
            TestCode = TestReferences.Usings + source,
            ReferenceAssemblies = TestReferences.Framework,
        };
        test.TestState.AdditionalReferences.Add(TestReferences.Runtime);
        return test.RunAsync();
    }

    public static Task VerifyFixAsync(string source, string fixedSource) => VerifyFixAsync<AddModifierCodeFixProvider>(source, fixedSource);

    public static Task VerifyFixAsync<TFix>(string source, string fixedSource)
        where TFix : Microsoft.CodeAnalysis.CodeFixes.CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<AttentionKernelAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = TestReferences.Usings + source,
            FixedCode = TestReferences.Usings + fixedSource,
            ReferenceAssemblies = TestReferences.Framework,
        };
        test.TestState.AdditionalReferences.Add(TestReferences.Runtime);
        test.FixedState.AdditionalReferences.Add(TestReferences.Runtime);
        return test.RunAsync();
    }
}
