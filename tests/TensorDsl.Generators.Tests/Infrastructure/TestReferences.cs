using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>What every test compilation references: .NET 10 reference assemblies and the TensorDsl runtime.</summary>
internal static class TestReferences
{
    /// <summary>
    /// .NET 10 is the framework the runtime library targets (docs/design.md, "Target framework"), so test
    /// compilations reference its reference pack, restored from NuGet like any package.
    /// </summary>
    public static ReferenceAssemblies Framework { get; } = new(
        "net10.0", new PackageIdentity("Microsoft.NETCore.App.Ref", "10.0.12"), System.IO.Path.Combine("ref", "net10.0"));

    public static MetadataReference Runtime { get; } =
        MetadataReference.CreateFromFile(typeof(TensorDsl.AttentionKernelAttribute).Assembly.Location);

    /// <summary>System.Numerics.Tensors, the runtime's one dependency: the generated tensor-span overloads name its types.</summary>
    public static MetadataReference Tensors { get; } =
        MetadataReference.CreateFromFile(typeof(System.Numerics.Tensors.TensorSpan<>).Assembly.Location);

    /// <summary>The usings a kernel file starts with in the tests.</summary>
    public const string Usings = "using System;\nusing TensorDsl;\nusing static TensorDsl.Dsl;\n\n";
}
