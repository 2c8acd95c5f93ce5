using TensorDsl.Generators.Emit;

namespace TensorDsl.Generators.Tests.Generator;

/// <summary>
/// The implementation's short names (<see cref="ImportedNames"/>): only imported namespaces lose their <c>global::</c>,
/// never inside a literal, and never where a deeper namespace follows. Expected lines are written out by hand.
/// </summary>
public class ImportedNamesTests
{
    [Theory]
    [InlineData("global::System.Span<float> output", "Span<float> output")]
    [InlineData("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]",
        "[MethodImpl(MethodImplOptions.AggressiveInlining)]")]
    [InlineData("global::TensorDsl.Cpu.AttentionDriver.Run<Spec, global::System.Half>(problem)", "AttentionDriver.Run<Spec, Half>(problem)")]
    [InlineData("global::TensorDsl.Dsl.Rsqrt(size0)", "Dsl.Rsqrt(size0)")]
    [InlineData("global::System.Math.Abs(x)", "Math.Abs(x)")]
    // Not imported, or a namespace follows that is not in the list: kept whole.
    [InlineData("global::System.Runtime.InteropServices.Marshal.SizeOf<int>()", "global::System.Runtime.InteropServices.Marshal.SizeOf<int>()")]
    [InlineData("global::MyApp.Color.Red", "global::MyApp.Color.Red")]
    [InlineData("global::TensorDslX.Thing", "global::TensorDslX.Thing")]
    // Literals keep their text, escapes included.
    [InlineData("Throw(\"global::System.Span \\\" global::System.Half\", global::System.Half.One)", "Throw(\"global::System.Span \\\" global::System.Half\", Half.One)")]
    [InlineData("x = 'g'; global::System.Half h;", "x = 'g'; Half h;")]
    public void ShortensOnlyImportedTypes(string line, string expected) => Assert.Equal(expected, ImportedNames.Shorten(line));
}
