using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>What every test compilation references: .NET 8 reference assemblies and the TensorDsl runtime.</summary>
internal static class TestReferences
{
    /// <summary>.NET 8 is the oldest framework the runtime library supports, so tests compile against it.</summary>
    public static ReferenceAssemblies Framework { get; } = ReferenceAssemblies.Net.Net80;

    public static MetadataReference Runtime { get; } =
        MetadataReference.CreateFromFile(typeof(TensorDsl.AttentionKernelAttribute).Assembly.Location);

    /// <summary>The usings a kernel file starts with in the tests.</summary>
    public const string Usings = "using System;\nusing TensorDsl;\nusing static TensorDsl.Dsl;\n\n";
}
