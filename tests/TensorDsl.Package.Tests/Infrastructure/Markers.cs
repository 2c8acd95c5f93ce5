using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace TensorDsl.Package.Tests.Infrastructure;

/// <summary>Where a diagnostic is expected: the file, and the 1-based line and column that dotnet build prints.</summary>
public sealed record ExpectedDiagnostic(string File, int Line, int Column, string Id)
{
    public string BuildOutputPrefix(string severity = "error") => $"{File}({Line},{Column}): {severity} {Id}:";
}

/// <summary>
/// Consumer sources mark each expected diagnostic with <c>/*@TDSLnnnn*/</c> right before the character it must point
/// at. <see cref="Strip"/> removes the markers and says where each one stood in the text the compiler sees.
/// </summary>
public static class Markers
{
    private static readonly Regex Marker = new(@"/\*@(TDSL\d{4})\*/", RegexOptions.Compiled);

    public static (string Text, IReadOnlyList<ExpectedDiagnostic> Expected) Strip(string file, string source)
    {
        var expected = new List<ExpectedDiagnostic>();
        var lines = source.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            Match match;
            while ((match = Marker.Match(lines[i])).Success)
            {
                expected.Add(new ExpectedDiagnostic(file, i + 1, match.Index + 1, match.Groups[1].Value));
                lines[i] = lines[i].Remove(match.Index, match.Length);
            }
        }

        return (string.Join("\n", lines), expected);
    }
}
