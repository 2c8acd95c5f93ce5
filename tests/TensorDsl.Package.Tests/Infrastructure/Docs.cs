using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace TensorDsl.Package.Tests.Infrastructure;

/// <summary>Code blocks of the repository's Markdown, so the consumers run exactly what the docs say.</summary>
public static class Docs
{
    public static string Read(string relativePath) => File.ReadAllText(Path.Combine(PackedFeed.RepositoryRoot, relativePath)).Replace("\r\n", "\n");

    /// <summary>The fenced blocks of one language, in order.</summary>
    public static IReadOnlyList<string> Blocks(string markdown, string language) =>
        Regex.Matches(markdown, "^```" + Regex.Escape(language) + "\\n(.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value)
            .ToArray();

    /// <summary>The package README's Program.cs (its only C# block, a complete program).</summary>
    public static string PackageReadmeProgram() => Blocks(Read("src/TensorDsl/PackageReadme.md"), "csharp program").Single();
}
