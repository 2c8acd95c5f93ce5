using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using TensorDsl.Generators.Tests.Infrastructure;
using Xunit.Abstractions;

namespace TensorDsl.Generators.Tests.Architecture;

/// <summary>
/// The layers of the front end and the generator depend one way (docs/design.md, "Where does X live"): the namespace
/// graph, read from what every identifier in frontend/ and generators/ binds to, has no cycle. A cycle means two
/// layers can no longer be read, tested or changed one at a time.
/// </summary>
public class NamespaceCycleTests(ITestOutputHelper log)
{
    private static readonly string[] Layers = { "TensorDsl.FrontEnd", "TensorDsl.Generators" };

    [Fact]
    public void FrontEndAndGeneratorNamespacesHaveNoCycle()
    {
        var root = Path.GetFullPath(Path.Combine(Catalogue.DocsDirectory(), "..", ".."));
        var files = new[] { "frontend", "generators/TensorDsl.Generators", "src/TensorDsl/Shared" }
            .SelectMany(folder => Directory.GetFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count > 30, $"only {files.Count} source files found under {root}");

        var options = new CSharpParseOptions(LanguageVersion.Latest, preprocessorSymbols: new[] { "TENSORDSL_FRONTEND" });
        var trees = files.Select(file => CSharpSyntaxTree.ParseText(File.ReadAllText(file), options, file)).ToList();
        var references = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => MetadataReference.CreateFromFile(a.Location));
        var compilation = CSharpCompilation.Create("Layers", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

        var edges = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<BaseTypeDeclarationSyntax>())
            {
                var from = model.GetDeclaredSymbol(declaration)?.ContainingNamespace.ToDisplayString();
                if (from is null || !InLayers(from))
                {
                    continue;
                }

                foreach (var name in declaration.DescendantNodes().OfType<SimpleNameSyntax>())
                {
                    var symbol = model.GetSymbolInfo(name).Symbol;
                    var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                    var to = type?.ContainingNamespace?.ToDisplayString();
                    if (to is not null && to != from && InLayers(to))
                    {
                        (edges.TryGetValue(from, out var set) ? set : edges[from] = new SortedSet<string>(StringComparer.Ordinal)).Add(to);
                    }
                }
            }
        }

        foreach (var (from, to) in edges)
        {
            log.WriteLine($"{from} -> {string.Join(", ", to)}");
        }

        Assert.True(edges.Count >= 6, "the walk found too few namespaces to mean anything");
        var cycle = FindCycle(edges);
        Assert.True(cycle is null, "namespace cycle: " + (cycle is null ? string.Empty : string.Join(" -> ", cycle)));
    }

    private static bool InLayers(string ns) => Layers.Any(layer => ns == layer || ns.StartsWith(layer + ".", StringComparison.Ordinal));

    /// <summary>A cycle of the graph as its namespaces in order (first repeated at the end), or null.</summary>
    internal static List<string>? FindCycle(IReadOnlyDictionary<string, SortedSet<string>> edges)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1: on the path, 2: done
        var path = new List<string>();
        List<string>? Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.TryGetValue(node, out var set) ? set : new SortedSet<string>())
            {
                if (state.TryGetValue(next, out var s) && s == 1)
                {
                    return path.Skip(path.IndexOf(next)).Append(next).ToList();
                }

                if (!state.ContainsKey(next) && Visit(next) is { } found)
                {
                    return found;
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
            return null;
        }

        return edges.Keys.Where(k => !state.ContainsKey(k)).Select(Visit).FirstOrDefault(c => c is not null);
    }

    [Fact]
    public void FindCycleFindsAPlantedCycle()
    {
        var graph = new Dictionary<string, SortedSet<string>>
        {
            ["A"] = new() { "B" },
            ["B"] = new() { "C" },
            ["C"] = new() { "A" },
        };
        Assert.Equal(new[] { "A", "B", "C", "A" }, FindCycle(graph));
        graph["C"] = new();
        Assert.Null(FindCycle(graph));
    }
}
