using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Parsing;
using TensorDsl.FrontEnd.Plan;
using TensorDsl.FrontEnd.Solver;

namespace TensorDsl.FrontEnd.Lowering;

/// <summary>
/// The analyzers' view of the pipeline the generator runs step by step: parse, check the shapes, plan, and ask the
/// target registry. Each stage runs only when the one before it found no error, exactly as in the generator.
/// </summary>
internal static class KernelDiagnostics
{
    public static IEnumerable<DiagnosticInfo> Of(INamedTypeSymbol type, Compilation compilation, CancellationToken cancellationToken)
    {
        var parsed = KernelParser.Parse(type, compilation, cancellationToken);
        var found = new List<DiagnosticInfo>(parsed.Diagnostics);
        if (parsed.Model is not { } model)
        {
            return found;
        }

        var solved = ShapeSolver.Solve(model);
        found.AddRange(solved.Diagnostics);
        if (found.Any(d => DiagnosticCatalog.IsError(d.Id)))
        {
            return found;
        }

        found.AddRange(TargetRegistry.Refusals(TargetRegistry.Plan(new CheckedKernel(model, solved.Checks)), model));
        return found;
    }
}
