using System;
using System.IO;
using TensorDsl.Generators.Tests.Infrastructure;

namespace TensorDsl.Generators.Tests.Packaging;

/// <summary>
/// The package's buildTransitive/TensorDsl.targets stops a build whose compiler is older than the Roslyn the generator is
/// built against (docs/packaging.md); its floor must follow Directory.Build.props. The consumer tests
/// (tests/TensorDsl.Package.Tests) run the check itself.
/// </summary>
public class CompilerFloorTargetsTests
{
    [Fact]
    public void TheCompilerFloorInThePackageTargetsIsTheBuildsRoslynVersion()
    {
        var props = File.ReadAllText(Path.Combine(Catalogue.RepositoryRoot(), "Directory.Build.props"));
        var targets = File.ReadAllText(Path.Combine(Catalogue.RepositoryRoot(), "src", "TensorDsl", "buildTransitive", "TensorDsl.targets"));
        var roslyn = System.Text.RegularExpressions.Regex.Match(props, "<TensorDslRoslynVersion>(\\d+\\.\\d+)").Groups[1].Value;
        Assert.Contains($"<_TensorDslMinimumRoslyn>{roslyn}</_TensorDslMinimumRoslyn>", targets, StringComparison.Ordinal);
    }
}
