using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>
/// The diagnostics catalogue as the shipped assemblies see it (the generator's copy of the front end, which the tests
/// reach directly; it has every ID, TDSL9999 included). Tests that iterate this list need no change when an ID is
/// added: only a catalogue entry, a help page, an index row, a release-tracking row and a consumer case.
/// </summary>
internal static class Catalogue
{
    /// <summary>Every descriptor, ordered by ID.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        TensorDsl.FrontEnd.Diagnostics.RoslynDiagnostics.All.OrderBy(d => d.Id, StringComparer.Ordinal).ToArray();

    public static IEnumerable<object[]> Ids => All.Select(d => new object[] { d.Id });

    /// <summary>
    /// The help-link base the catalogue of <paramref name="assembly"/> uses (its DiagnosticCatalog.HelpLinkBase): read by
    /// reflection because each shipped assembly stamps its own copy, and the analyzers' copy is not visible here.
    /// </summary>
    public static string HelpLinkBase(Assembly assembly) =>
        (string)assembly.GetType("TensorDsl.FrontEnd.Diagnostics.DiagnosticCatalog", throwOnError: true)!
            .GetField("HelpLinkBase", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "TensorDsl.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("TensorDsl.sln not found above " + AppContext.BaseDirectory);
    }

    public static string DocsDirectory() => Path.Combine(RepositoryRoot(), "docs", "diagnostics");
}
