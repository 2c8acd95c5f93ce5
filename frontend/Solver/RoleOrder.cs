using System;
using TensorDsl.FrontEnd.Diagnostics;
using TensorDsl.FrontEnd.Model;

namespace TensorDsl.FrontEnd.Solver;

/// <summary>
/// Catches <c>k.MatMul(q.T)</c>: roles come from the expression (the receiver of <c>MatMul</c> is the query), so
/// swapped operands would otherwise be checked, and blamed, in the wrong roles. Reported only where the declaration
/// makes the swap evident and swapping would mend it (docs/diagnostics/TDSL0025.md): a <c>Pages</c> cache as the query
/// over non-Pages keys; a query with fewer (constant) heads than its keys, a divisor of theirs; or a query named like
/// keys (<c>k</c>, <c>key…</c>) over keys named like a query (<c>q</c>, <c>quer…</c>). A query named like one over
/// keys named like keys is never "swapped": its head count or layout is what is wrong, and TDSL0012 or TDSL0023 says so.
/// </summary>
internal static class RoleOrder
{
    public static DiagnosticInfo? Check(OperandModel query, OperandModel keys, SourceSpan? scores)
    {
        var at = scores ?? query.ShapeLocation;

        // Names that say the order is right win: then a Pages query is a layout mistake (TDSL0023: make it Tokens) and
        // fewer query heads a head-count mistake (TDSL0012), each reported by its own rule, not as a swap.
        if (NamedLikeQuery(query.Name) && NamedLikeKeys(keys.Name))
        {
            return null;
        }

        // Otherwise the swap is the mistake only where swapping would mend the declaration.
        if (query.Layout == Layout.Pages && keys.Layout != Layout.Pages)
        {
            return Diagnose.QueryKeyOrder(at, query.Name, keys.Name, $"'{query.Name}' is a Pages cache, which only holds keys and values");
        }

        if (RoleAxes.Of(query) is { } qa && RoleAxes.Of(keys) is { } ka
            && qa.Heads.StaticValue is { } hq and > 0 && ka.Heads.StaticValue is { } hkv && hq < hkv && hkv % hq == 0)
        {
            return Diagnose.QueryKeyOrder(at, query.Name, keys.Name,
                $"'{query.Name}' has {hq} heads and '{keys.Name}' has {hkv}: a query has at least as many heads as its keys");
        }

        if (NamedLikeKeys(query.Name) && NamedLikeQuery(keys.Name))
        {
            return Diagnose.QueryKeyOrder(at, query.Name, keys.Name,
                $"'{query.Name}' is named like keys and '{keys.Name}' like a query");
        }

        return null;
    }

    private static bool NamedLikeKeys(string name) =>
        name is "k" or "K" || name.StartsWith("key", StringComparison.OrdinalIgnoreCase);

    private static bool NamedLikeQuery(string name) =>
        name is "q" or "Q" || name.StartsWith("quer", StringComparison.OrdinalIgnoreCase);
}
