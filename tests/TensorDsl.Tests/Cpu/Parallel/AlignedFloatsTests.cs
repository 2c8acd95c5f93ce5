using System;
using System.Runtime.CompilerServices;
using TensorDsl.Cpu.Parallel;
using Xunit;

namespace TensorDsl.Tests.Cpu.Parallel;

/// <summary>
/// The workspace's scratch buffers start on a cache line (64 bytes) at every size, new room is zeroed, growing keeps
/// the boundary, a smaller request keeps the buffer, and nothing past <see cref="AlignedFloats.Length"/> is reachable
/// through its spans or indexer.
/// </summary>
public sealed class AlignedFloatsTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(1000)]
    [InlineData(128 * 128)]
    [InlineData(40_000)] // past the large-object threshold
    public void Starts_on_a_cache_line_zeroed_and_bounded(int length)
    {
        var buffer = new AlignedFloats();
        buffer.Ensure(length);
        Assert.Equal(length, buffer.Length);
        Assert.Equal(0, Address(buffer) % AlignedFloats.Alignment);
        Assert.True(buffer.AsSpan(0, length).IndexOfAnyExcept(0f) < 0, "new room must be zeroed");

        buffer[length - 1] = 3f;
        Assert.Equal(3f, buffer.AsSpan(length - 1, 1)[0]);
        Assert.Throws<IndexOutOfRangeException>(() => buffer[length]);
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.AsSpan(length, 1));
    }

    [Fact]
    public void Growing_keeps_the_boundary_and_a_smaller_request_keeps_the_buffer()
    {
        var buffer = new AlignedFloats();
        buffer.Ensure(100);
        buffer[7] = 1.5f;
        nint before = Address(buffer);
        buffer.Ensure(50);
        Assert.Equal(before, Address(buffer));
        Assert.Equal(100, buffer.Length);
        Assert.Equal(1.5f, buffer[7]);

        for (int length = 101; length < 5000; length = length * 3 / 2)
        {
            buffer.Ensure(length);
            Assert.Equal(length, buffer.Length);
            Assert.Equal(0, Address(buffer) % AlignedFloats.Alignment);
        }

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Assert.Equal(0, Address(buffer) % AlignedFloats.Alignment); // pinned: compaction leaves it where it was
    }

    private static unsafe nint Address(AlignedFloats buffer) => (nint)Unsafe.AsPointer(ref buffer.Start);
}
