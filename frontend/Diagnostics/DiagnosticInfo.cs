using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Diagnostics;

/// <summary>A diagnostic as a value (no Roslyn Location), turned into a Roslyn one by whoever reports it.</summary>
internal sealed record DiagnosticInfo(string Id, SourceSpan Location, EquatableArray<string> Arguments);
