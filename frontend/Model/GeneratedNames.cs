using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace TensorDsl.FrontEnd.Model;

/// <summary>
/// Every name the generator owns, written once: the members it adds to a kernel type (reserved, TDSL0019), the
/// parameters of those members (reserved for tensors and run-time sizes, TDSL0024), and the hint names of its files,
/// which is how the front end tells the generator's own declarations from the user's when it runs inside a build
/// that already holds them (docs/design.md, "Generated names").
/// </summary>
internal static class GeneratedNames
{
    /// <summary>
    /// The members the generated part of a kernel type declares, for every target. A user member with one of these
    /// names would collide with generated code (CS0102/CS0111 inside a file the user cannot edit), so it is TDSL0019.
    /// A test compares this list with every member the generator actually emits.
    /// </summary>
    public static readonly IReadOnlyList<string> Members = new[]
    {
        "Run", "Reference", "WriteCache", // CPU and the reference engine
        "SpyreSpec", "SpyreProgram", "SpyrePrepare", "SpyreWriteCache", "SpyreUnpack", "SpyrePlan", // the Spyre target
    };

    /// <summary>
    /// The parameters the generated entry points take besides one per tensor and run-time size: no tensor or
    /// run-time size may be named like them (TDSL0024).
    /// </summary>
    public static readonly IReadOnlyList<string> Parameters = new[]
    {
        "output", "lse", "batch", "heads", "kvCache", "layout", "newKeys", "newValues", "keyCache", "valueCache",
    };

    /// <summary>
    /// The prefix of the locals a tensor-span entry point reads its sizes into (<c>tensorSize0</c>, …), beside parameters
    /// named after the user's tensors: a tensor may not be named like one.
    /// </summary>
    public const string SizeLocalPrefix = "tensorSize";

    /// <summary>Whether a tensor or run-time size may not take <paramref name="name"/> (TDSL0024 / TDSL0004).</summary>
    public static bool IsReserved(string name) =>
        Parameters.Contains(name)
        || (name.Length > SizeLocalPrefix.Length && name.StartsWith(SizeLocalPrefix, System.StringComparison.Ordinal)
            && name.Substring(SizeLocalPrefix.Length).All(char.IsDigit));

    /// <summary>The ending of every file the generator adds; nothing else in a compilation ends this way.</summary>
    public const string HintSuffix = ".TensorDsl.g.cs";

    /// <summary>
    /// The longest readable part of a hint name. Paths under obj/ (EmitCompilerGeneratedFiles) already hold the
    /// project directory and the generator's names; a kernel's dotted name can be any length, so it is cut here and
    /// the hash of the exact name keeps cut names apart.
    /// </summary>
    public const int MaxReadableHintLength = 80;

    /// <summary>
    /// Unique per kernel even where names differ only by case or a namespace and a nesting spell the same dotted name:
    /// the readable name (cut to <see cref="MaxReadableHintLength"/>) plus a hash of the exact one.
    /// </summary>
    public static string HintName(string? ns, IEnumerable<string> typeChain)
    {
        var chain = typeChain.ToList();
        var exact = (ns ?? string.Empty) + "::" + string.Join("+", chain);
        uint hash = 2166136261;
        foreach (var c in exact)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        var readable = (ns is null ? string.Empty : ns + ".") + string.Join(".", chain);
        if (readable.Length > MaxReadableHintLength)
        {
            readable = readable.Substring(0, MaxReadableHintLength);
        }

        return readable + "." + hash.ToString("x8", CultureInfo.InvariantCulture) + HintSuffix;
    }

    /// <summary>Whether a syntax tree at <paramref name="filePath"/> is one of the generator's files.</summary>
    public static bool IsGeneratedFile(string? filePath) =>
        filePath is not null && filePath.EndsWith(HintSuffix, System.StringComparison.OrdinalIgnoreCase);
}
