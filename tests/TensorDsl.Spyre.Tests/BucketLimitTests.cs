using System;
using TensorDsl.Spyre;
using Xunit;

namespace TensorDsl.Spyre.Tests;

/// <summary>Limits past any serving configuration are refused instead of enumerated for ever.</summary>
public sealed class BucketLimitTests
{
    [Theory]
    [InlineData(int.MaxValue, 4096, "maxNumSeqs")]
    [InlineData(32, int.MaxValue, "maxModelLen")]
    [InlineData((1 << 16) + 1, 4096, "maxNumSeqs")]
    public void Huge_limits_are_refused_naming_the_parameter(int maxNumSeqs, int maxModelLen, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SpyreBucketing.Reference.Plan(maxNumSeqs, maxModelLen));
        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void The_largest_accepted_limits_still_plan()
    {
        var plan = SpyreBucketing.Reference.Plan(1 << 16, 1 << 12);
        Assert.True(plan.Count > 0);
    }
}
