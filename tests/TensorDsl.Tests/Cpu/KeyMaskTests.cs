using System;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Cpu;

/// <summary><see cref="KeyMask.Range"/> must be exactly the set of keys the brute-force definition shows.</summary>
public sealed class KeyMaskTests
{
    private static bool BruteForce(int p, int j, bool causal, bool window, int left, int right, int chunk)
    {
        if (causal && j > p) return false;
        if (window && ((long)j < (long)p - left || (long)j > (long)p + right)) return false;
        if (chunk > 0 && Math.Floor((double)j / chunk) != Math.Floor((double)p / chunk)) return false;
        return true;
    }

    [Fact]
    public void Range_equals_brute_force_over_many_configurations()
    {
        int[] sides = { 0, 1, 3, 7, 100, int.MaxValue };
        int[] chunks = { 0, 1, 2, 3, 8 };
        int checkedRows = 0;
        foreach (bool causal in new[] { false, true })
        foreach (bool window in new[] { false, true })
        foreach (int left in window ? sides : new[] { 0 })
        foreach (int right in window ? sides : new[] { 0 })
        foreach (int chunk in chunks)
        {
            var mask = new KeyMask(causal, window, left, right, chunk);
            for (int kvLength = 0; kvLength <= 12; kvLength++)
            for (int p = -10; p <= 14; p++)
            {
                mask.Range(p, kvLength, out int lo, out int hi);
                for (int j = 0; j < kvLength; j++)
                {
                    bool expected = BruteForce(p, j, causal, window, left, right, chunk);
                    Assert.True(expected == (j >= lo && j <= hi), $"causal={causal} window=({window},{left},{right}) chunk={chunk} Lk={kvLength} p={p} j={j}: range [{lo}, {hi}]");
                    Assert.Equal(expected, mask.IsVisible(p, j));
                }

                Assert.True(hi >= lo - 1, "an empty range is normalised to hi = lo - 1");
                Assert.True(lo >= 0 && hi < Math.Max(kvLength, lo));
                checkedRows++;
            }
        }

        Assert.True(checkedRows > 10000);
    }

    [Theory]
    [InlineData(int.MinValue, 5)]
    [InlineData(int.MaxValue, int.MaxValue)]
    [InlineData(int.MaxValue - 1, int.MaxValue)]
    [InlineData(-1, int.MaxValue)]
    public void Extreme_positions_do_not_overflow(int p, int kvLength)
    {
        foreach (var mask in new[]
        {
            new KeyMask(true, true, int.MaxValue, int.MaxValue, 0),
            new KeyMask(false, true, 0, int.MaxValue, 7),
            new KeyMask(true, false, 0, 0, int.MaxValue),
            KeyMask.None,
        })
        {
            mask.Range(p, kvLength, out int lo, out int hi);
            Assert.True(lo >= 0);
            Assert.True(hi <= kvLength - 1 || hi == lo - 1);
            if (hi >= lo)
            {
                Assert.True(mask.IsVisible(p, lo) && mask.IsVisible(p, hi));
            }
        }
    }

    [Fact]
    public void Constructor_rejects_negative_sizes_and_ignores_window_sides_without_window()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyMask(false, true, -1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyMask(false, true, 0, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new KeyMask(false, false, 0, 0, -1));
        var mask = new KeyMask(true, false, -5, -5, 0);
        Assert.Equal(0, mask.Left);
        Assert.False(mask.HasWindow);
        KeyMask.None.Range(3, 10, out int lo, out int hi);
        Assert.Equal((0, 9), (lo, hi));
    }
}
