using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>
/// The diagnostics catalogue as the shipped assemblies see it. The front end (DiagnosticCatalog) is compiled into both
/// the generator and the analyzers, so its types exist twice; the tests read the generator's copy (which has every ID,
/// TDSL9999 included) by reflection instead of naming one of the two. Tests that iterate this list need no change when
/// an ID is added: only a catalogue entry, a help page, an index row and a release-tracking row.
/// </summary>
internal static class Catalogue
{
    private static readonly Assembly Generator = typeof(AttentionKernelGenerator).Assembly;

    /// <summary>Every descriptor, ordered by ID.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        ((IEnumerable<DiagnosticDescriptor>)Generator.GetType("TensorDsl.FrontEnd.Diagnostics.RoslynDiagnostics", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToArray();

    public static IEnumerable<object[]> Ids => All.Select(d => new object[] { d.Id });

    /// <summary>The help-link base the catalogue uses (DiagnosticCatalog.HelpLinkBase).</summary>
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
