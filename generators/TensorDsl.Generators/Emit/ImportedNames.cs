using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace TensorDsl.Generators.Emit;

/// <summary>
/// The namespaces the implementation (<c>namespace TensorDsl.Generated</c>) imports with <c>using</c>, and the rewrite
/// that drops their <c>global::</c> prefix from the lines written inside it. Every writer spells types fully qualified
/// (the same writers also write into the user's namespace, where only <c>global::</c> is safe); inside the
/// implementation's own namespace the short names bind the same way, because the usings sit inside that namespace
/// block and are searched before anything outside it, and nothing else is declared there (docs/design.md, "Generated
/// names").
/// </summary>
internal static class ImportedNames
{
    /// <summary>
    /// The imported namespaces. <c>TensorDsl</c> needs no using (it encloses <c>TensorDsl.Generated</c>) but its types are
    /// shortened all the same. A name is shortened only where what follows the namespace is a type, not a deeper
    /// namespace of this list (<c>global::System.Runtime.CompilerServices.X</c> is never cut to <c>Runtime.…</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> Usings = new[]
    {
        "System",
        "System.Diagnostics",
        "System.Numerics.Tensors",
        "System.Runtime.CompilerServices",
        "TensorDsl.Cpu",
        "TensorDsl.Runtime",
        "TensorDsl.Spyre",
    };

    private const string Enclosing = "TensorDsl";

    private const string Global = "global::";

    // Longest first, so a nested namespace wins over its parent.
    private static readonly string[] Shortened = Usings.Concat(new[] { Enclosing }).OrderByDescending(n => n.Length).ToArray();

    /// <summary>
    /// <paramref name="line"/> with <c>global::N.T</c> written <c>T</c> for every listed namespace N, outside string and
    /// character literals (messages keep their text).
    /// </summary>
    public static string Shorten(string line)
    {
        if (line.IndexOf(Global, System.StringComparison.Ordinal) < 0)
        {
            return line;
        }

        var result = new StringBuilder(line.Length);
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                result.Append(c);
                if (c == '\\' && i + 1 < line.Length)
                {
                    result.Append(line[++i]);
                }
                else if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            if (c is '"' or '\'')
            {
                quote = c;
                result.Append(c);
                continue;
            }

            if (string.CompareOrdinal(line, i, Global, 0, Global.Length) == 0 && (i == 0 || !IsIdentifierPart(line[i - 1]))
                && Match(line, i + Global.Length) is { } ns)
            {
                i += Global.Length + ns.Length; // at the '.', skipped by the loop
                continue;
            }

            result.Append(c);
        }

        return result.ToString();
    }

    /// <summary>The listed namespace written at <paramref name="at"/>, when a type (not a deeper listed namespace) follows.</summary>
    private static string? Match(string line, int at)
    {
        foreach (var ns in Shortened)
        {
            int end = at + ns.Length;
            if (end + 1 < line.Length && line[end] == '.' && string.CompareOrdinal(line, at, ns, 0, ns.Length) == 0)
            {
                int start = end + 1, stop = start;
                while (stop < line.Length && IsIdentifierPart(line[stop]))
                {
                    stop++;
                }

                var next = ns + "." + line.Substring(start, stop - start);
                if (stop > start && !Shortened.Any(other => other == next || other.StartsWith(next + ".", System.StringComparison.Ordinal)))
                {
                    return ns;
                }
            }
        }

        return null;
    }

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '@';
}
