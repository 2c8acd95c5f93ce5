using Microsoft.CodeAnalysis;

namespace TensorDsl.Generators.Tests.Infrastructure;

/// <summary>
/// The generator and analyzers are built against Roslyn 4.8 (Directory.Build.props) so they load in every compiler
/// from the .NET 8 SDK on. This suite runs them on exactly that Roslyn, so every generator, analyzer and code-fix
/// test here is also a test of the floor; if a package update drags Roslyn up, this says so.
/// </summary>
public class RoslynFloorTests
{
    [Fact]
    public void TestsRunOnTheRoslynVersionTheComponentsAreBuiltAgainst()
    {
        var version = typeof(Compilation).Assembly.GetName().Version!;
        Assert.Equal((4, 8), (version.Major, version.Minor));
    }
}
