using System;
using System.Linq;
using TensorDsl.Cpu;

namespace TensorDsl.Spyre.Tests;

/// <summary>
/// The rules the analyzer promises are the runtime's too (docs/design.md, "Where does X live"): the stick and
/// whole-page rules of a KV bucket, and one definition of key visibility shared with the CPU kernels.
/// </summary>
public class SharedRuleTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(32)]
    [InlineData(0)]
    public void BucketingRefusesABucketOffTheStick(int kvBucket) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpyreBucketing(kvBucket));

    [Fact]
    public void SpecRefusesABucketOfPartialPagesHoweverItIsSet()
    {
        var spec = new SpyreKernelSpec(8, 2, 128, 128, 0.1f);
        Assert.Throws<ArgumentOutOfRangeException>(() => spec with { Bucketing = new SpyreBucketing(64) });
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpyreKernelSpec(8, 2, 128, 128, 0.1f, bucketing: new SpyreBucketing(192)));
        Assert.Equal(256, (spec with { Bucketing = new SpyreBucketing(256) }).Bucketing.KvBucket);
        Assert.Null(SpyreKernelSpec.KvBucketProblem(256, 16));
        Assert.NotNull(SpyreKernelSpec.KvBucketProblem(200, 8));
    }

    [Theory]
    [InlineData(true, -1, -1, 0)]
    [InlineData(false, 3, -1, 0)]
    [InlineData(false, -1, 2, 0)]
    [InlineData(true, 4, 1, 0)]
    [InlineData(true, -1, -1, 5)]
    [InlineData(false, 7, 3, 4)]
    public void VisibilityIsTheCpuKernelsKeyMask(bool causal, int left, int right, int chunk)
    {
        var spec = new SpyreKernelSpec(8, 2, 128, 16, 0.1f, causal, left, right, chunk);
        bool window = left >= 0 || right >= 0;
        var mask = new KeyMask(causal, window, left >= 0 ? left : int.MaxValue, right >= 0 ? right : int.MaxValue, chunk);
        const int kvLength = 23;
        for (var p = -9; p < kvLength + 3; p++) // negative positions too: a chunk uses floor division (p = -1 is chunk -1)
        {
            for (var j = -2; j < kvLength + 2; j++)
            {
                var expected = j >= 0 && j < kvLength && mask.IsVisible(p, j);
                Assert.True(expected == spec.Visible(p, j, kvLength), $"p {p}, j {j}");
            }
        }

        // Written out for one case, so the test does not rest on KeyMask alone: chunk 5, causal, p = 7 sees keys 5..7.
        if (causal && chunk == 5)
        {
            Assert.Equal(new[] { false, false, false, false, false, true, true, true, false }, new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8 }.Select(j => spec.Visible(7, j, kvLength)).ToArray());
            Assert.False(spec.Visible(-1, 0, kvLength));
        }
    }
}
