using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>
/// Compares generated source with a checked-in baseline, <c>Baselines/&lt;name&gt;.g.cs.txt</c> in the source tree
/// (the <c>.txt</c> suffix keeps baselines out of compilation). Only line endings are normalised.
/// Set <c>TENSORDSL_UPDATE_BASELINES=1</c> to (re)write the baselines instead; then review them with <c>git diff</c>.
/// </summary>
internal static class BaselineAssert
{
    public const string UpdateVariable = "TENSORDSL_UPDATE_BASELINES";

    private const string Extension = ".g.cs.txt";
    private const int Context = 3;
    private const int MaxShownLines = 12;

    private static readonly Lazy<string> SourceDirectory = new(FindBaselineDirectory);

    /// <summary>True when the run should rewrite baselines rather than compare with them.</summary>
    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>The baseline directory in the source tree (not the copy in the build output).</summary>
    public static string Directory => SourceDirectory.Value;

    /// <summary>Asserts that <paramref name="actual"/> equals the baseline <paramref name="name"/>, or rewrites it when updating.</summary>
    public static void Matches(string name, string actual) => Matches(Directory, name, actual, Updating);

    /// <summary>The same, against a given directory and mode (for testing this helper).</summary>
    public static void Matches(string directory, string name, string actual, bool update)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/') || name.Contains('\\'))
        {
            throw new ArgumentException($"'{name}' is not a plain baseline name.", nameof(name));
        }

        var path = Path.Combine(directory, name + Extension);
        var normalized = Normalize(actual);
        if (update)
        {
            if (!File.Exists(path) || Normalize(File.ReadAllText(path)) != normalized)
            {
                System.IO.Directory.CreateDirectory(directory);
                File.WriteAllText(path, normalized, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            }

            return;
        }

        if (!File.Exists(path))
        {
            Assert.Fail(
                $"Baseline '{name}' does not exist: expected {path}.\n" +
                $"Create it by running the tests with {UpdateVariable}=1, e.g.\n" +
                $"  {UpdateVariable}=1 dotnet test tests/TensorDsl.Generators.Tests --filter \"FullyQualifiedName~Generator.\"\n" +
                "then review the new file before committing it.");
        }

        var expected = Normalize(File.ReadAllText(path));
        if (expected != normalized)
        {
            Assert.Fail(
                $"Generated source differs from baseline '{name}' ({path}).\n" +
                Diff(expected, normalized) +
                $"\nIf the change is intended, rerun with {UpdateVariable}=1 and review the baseline diff (git diff {Path.GetFileName(path)}).");
        }
    }

    public static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>
    /// A single hunk covering everything between the common prefix and the common suffix of the two texts,
    /// with line numbers: <c>-</c> lines are the baseline, <c>+</c> lines the generated source.
    /// </summary>
    public static string Diff(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var prefix = 0;
        while (prefix < e.Length && prefix < a.Length && e[prefix] == a[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < e.Length - prefix && suffix < a.Length - prefix && e[e.Length - 1 - suffix] == a[a.Length - 1 - suffix])
        {
            suffix++;
        }

        var output = new StringBuilder();
        output.Append($"First difference at line {prefix + 1} (baseline has {e.Length} lines, generated {a.Length}).\n");
        output.Append($"@@ -{prefix + 1},{e.Length - prefix - suffix} +{prefix + 1},{a.Length - prefix - suffix} @@\n");
        for (var i = Math.Max(0, prefix - Context); i < prefix; i++)
        {
            output.Append($"  {i + 1,5}  {e[i]}\n");
        }

        AppendLines(output, '-', e, prefix, e.Length - suffix);
        AppendLines(output, '+', a, prefix, a.Length - suffix);
        for (var i = e.Length - suffix; i < Math.Min(e.Length, e.Length - suffix + Context); i++)
        {
            output.Append($"  {i + 1,5}  {e[i]}\n");
        }

        return output.ToString();
    }

    private static void AppendLines(StringBuilder output, char sign, IReadOnlyList<string> lines, int from, int to)
    {
        for (var i = from; i < Math.Min(to, from + MaxShownLines); i++)
        {
            output.Append($"{sign} {i + 1,5}  {lines[i]}\n");
        }

        if (to - from > MaxShownLines)
        {
            output.Append($"{sign}        … {to - from - MaxShownLines} more line(s)\n");
        }
    }

    private static string FindBaselineDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TensorDsl.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "TensorDsl.Generators.Tests", "Baselines");
            }
        }

        throw new InvalidOperationException(
            $"No TensorDsl.sln above {AppContext.BaseDirectory}: baselines are compared with the source tree, so the tests must run from a build inside it.");
    }
}
