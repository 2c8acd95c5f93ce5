using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using TensorDsl.Analyzers;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Analyzers;

/// <summary>
/// Runs <see cref="AttentionKernelAnalyzer"/> over a kernel file, with the generator in the same compilation, and compares with explicit expectations: markup
/// <c>{|#n:…|}</c> in the source names a location, and each expected result carries the full message text, copied
/// from the catalogue by hand so that a change to a message is a visible, deliberate change here.
/// </summary>
internal static class KernelAnalyzerTest
{
    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) => Verify(source, expected);

    private static Task Verify(string source, DiagnosticResult[] expected)
    {
        var test = AnalyzerVerifier.CreateTest(source); // the generator runs too, as in a build
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>An expected TDSL error at markup location <c>{|#location:…|}</c> with exactly this message.</summary>
    public static DiagnosticResult Error(string id, int location, string message) =>
        new DiagnosticResult(id, DiagnosticSeverity.Error).WithLocation(location).WithMessage(message);

    /// <summary>An expected TDSL warning at markup location <c>{|#location:…|}</c> with exactly this message.</summary>
    public static DiagnosticResult Warning(string id, int location, string message) =>
        new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(location).WithMessage(message);

    /// <summary>An expected C# compiler error (the test source is deliberately invalid C# there).</summary>
    public static DiagnosticResult Compiler(string id, int location) =>
        DiagnosticResult.CompilerError(id).WithLocation(location);

    /// <summary>TDSL0003 with its fixed message shape.</summary>
    public static DiagnosticResult Unsupported(int location, string construct, string reason) =>
        Error("TDSL0003", location, $"'{construct}' is not part of the attention grammar: {reason}");

    /// <summary>TDSL0016 with its fixed message shape.</summary>
    public static DiagnosticResult LambdaError(int location, string construct, string reason) =>
        Error("TDSL0016", location, $"'{construct}' cannot be inlined into the kernel: {reason}");

    public const string OperandTypes =
        "kernel parameters are Bhsd<T>, Bshd<T>, Tokens<T>, Pages<T>, Bias<T> or PerHead<float>, passed by value, with T float, Half or BFloat16";
}
