using System;
using System.IO;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// Tables in docs/spyre.md that a test generates: the text between <c>&lt;!-- table:NAME --&gt;</c> and
/// <c>&lt;!-- /table:NAME --&gt;</c> must equal what the test computes, so the docs cannot drift from the code. With
/// <c>TENSORDSL_UPDATE_DOCS=1</c> the test writes the table instead (then commit the diff).
/// </summary>
public static class DocTables
{
    public static void Check(string name, string table)
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "spyre.md");
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        string open = $"<!-- table:{name} -->\n", close = $"<!-- /table:{name} -->";
        int start = text.IndexOf(open, StringComparison.Ordinal);
        int end = text.IndexOf(close, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"docs/spyre.md has no '{open.Trim()}' … '{close}' block");
        string current = text.Substring(start + open.Length, end - start - open.Length);
        string wanted = table.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
        if (current == wanted)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("TENSORDSL_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, text.Substring(0, start + open.Length) + wanted + text.Substring(end));
            return;
        }

        Assert.Fail($"docs/spyre.md's table '{name}' is out of date (rerun with TENSORDSL_UPDATE_DOCS=1 and commit). Expected:\n{wanted}\nFound:\n{current}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TensorDsl.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TensorDsl.sln not found above " + AppContext.BaseDirectory);
    }
}
