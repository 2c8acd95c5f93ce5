using System;
using System.IO;
using System.Linq;
using TensorDsl.Generators.Tests.Infrastructure;
using Xunit.Sdk;

namespace TensorDsl.Generators.Tests.Generator;

/// <summary>The baseline helper itself: it must fail when it should, say where, and find the source tree.</summary>
public sealed class BaselineAssertTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tensordsl-baselines-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void MissingBaselineFailsAndSaysHowToCreateIt()
    {
        var failure = Assert.ThrowsAny<XunitException>(() => BaselineAssert.Matches(_directory, "Missing", "text\n", update: false));

        Assert.Contains(Path.Combine(_directory, "Missing.g.cs.txt"), failure.Message);
        Assert.Contains("TENSORDSL_UPDATE_BASELINES=1", failure.Message);
        Assert.False(File.Exists(Path.Combine(_directory, "Missing.g.cs.txt")));
    }

    [Fact]
    public void MismatchFailsWithTheFirstDifferingLines()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "Kernel.g.cs.txt"), "line 1\nline 2\nline 3\nline 4\n");

        var failure = Assert.ThrowsAny<XunitException>(() =>
            BaselineAssert.Matches(_directory, "Kernel", "line 1\nline 2\nLINE 3\nline 4\n", update: false));

        Assert.Contains("First difference at line 3", failure.Message);
        Assert.Contains("@@ -3,1 +3,1 @@", failure.Message);
        Assert.Contains("-     3  line 3", failure.Message);
        Assert.Contains("+     3  LINE 3", failure.Message);
        Assert.Contains("      2  line 2", failure.Message);
        Assert.Contains("TENSORDSL_UPDATE_BASELINES=1", failure.Message);
    }

    [Fact]
    public void DiffShowsInsertedAndRemovedLines()
    {
        var diff = BaselineAssert.Diff("a\nb\nc\n", "a\nb\nx\ny\nc\n");

        Assert.Contains("First difference at line 3 (baseline has 4 lines, generated 6)", diff);
        Assert.Contains("@@ -3,0 +3,2 @@", diff);
        Assert.Contains("+     3  x", diff);
        Assert.Contains("+     4  y", diff);
        Assert.DoesNotContain("-     3", diff);
    }

    [Fact]
    public void LineEndingsAreTheOnlyThingNormalised()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "Crlf.g.cs.txt"), "a\r\nb\r\n");

        BaselineAssert.Matches(_directory, "Crlf", "a\nb\n", update: false);
        Assert.ThrowsAny<XunitException>(() => BaselineAssert.Matches(_directory, "Crlf", "a \nb\n", update: false));
        Assert.ThrowsAny<XunitException>(() => BaselineAssert.Matches(_directory, "Crlf", "a\nb", update: false));
    }

    [Fact]
    public void UpdateWritesTheBaselineWhichThenMatches()
    {
        BaselineAssert.Matches(_directory, "New", "x\r\ny\n", update: true);

        Assert.Equal("x\ny\n", File.ReadAllText(Path.Combine(_directory, "New.g.cs.txt")));
        BaselineAssert.Matches(_directory, "New", "x\ny\n", update: false);
        BaselineAssert.Matches(_directory, "New", "changed\n", update: true);
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(_directory, "New.g.cs.txt")));
    }

    [Fact]
    public void NamesArePlainFileNames() =>
        Assert.Throws<ArgumentException>(() => BaselineAssert.Matches(_directory, "../Escape", "x", update: false));

    [Fact]
    public void BaselinesAreReadFromTheSourceTree()
    {
        var baselines = BaselineAssert.Directory;

        Assert.True(File.Exists(Path.Combine(baselines, "..", "..", "..", "TensorDsl.sln")), baselines);
        Assert.EndsWith(Path.Combine("tests", "TensorDsl.Generators.Tests", "Baselines"), baselines);
        Assert.DoesNotContain(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, baselines);
    }

    [Fact]
    public void EveryBaselineBelongsToAKernel()
    {
        var kernels = BaselineTests.Kernels.Select(row => (string)row[0]).Append(BaselineTests.StubBaseline).ToHashSet();
        var files = Directory.GetFiles(BaselineAssert.Directory, "*.g.cs.txt").Select(f => Path.GetFileName(f)[..^".g.cs.txt".Length]).ToList();

        var stale = files.Where(f => !kernels.Contains(f)).ToList();
        Assert.True(stale.Count == 0, "Baselines without a kernel in BaselineTests.Kernels (delete them): " + string.Join(", ", stale));
        if (!BaselineAssert.Updating)
        {
            var missing = kernels.Where(k => !files.Contains(k)).ToList();
            Assert.True(missing.Count == 0, "Kernels without a baseline: " + string.Join(", ", missing));
        }
    }
}
