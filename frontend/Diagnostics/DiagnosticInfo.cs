using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Diagnostics;

/// <summary>A diagnostic as a value (no Roslyn Location), turned into a Roslyn one by whoever reports it.</summary>
internal sealed record DiagnosticInfo(string Id, SourceSpan Location, EquatableArray<string> Arguments)
{
    /// <summary>
    /// Positional form, kept only for generators/ and LambdaLowering.cs, which are being rewritten elsewhere; new
    /// code uses the typed factories of <see cref="Diagnose"/>.
    /// </summary>
    public static DiagnosticInfo Create(DiagnosticSpec spec, SourceSpan location, params string[] arguments) =>
        new(spec.Id, location, arguments.ToEquatableArray());
}
