using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TensorDsl.Cpu.Parallel;

/// <summary>
/// A scratch buffer of floats whose first element sits on a 64-byte boundary (a cache line, one 512-bit vector).
/// A <c>float[]</c>'s elements start wherever the GC put the object, usually 16 bytes into a line, so every 512-bit
/// load of it spans two lines and half the 256-bit ones do: the value kernel ran ~8 % slower on such a buffer (see
/// docs/benchmarks.md, "Aligned scratch"). The array is allocated pinned (the pinned object heap), so the boundary
/// found once stays put. Rows the kernels address are multiples of the vector width, so they stay aligned too.
/// </summary>
internal sealed class AlignedFloats
{
    /// <summary>The alignment in bytes; also the largest vector the kernels load.</summary>
    public const int Alignment = 64;

    private float[] _array = [];
    private int _offset;

    /// <summary>Usable elements from <see cref="Start"/>.</summary>
    public int Length { get; private set; }

    /// <summary>The first (aligned) element.</summary>
    public ref float Start => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _offset);

    public Span<float> AsSpan(int start, int length) => _array.AsSpan(_offset, Length).Slice(start, length);

    public ref float this[int index] => ref _array.AsSpan(_offset, Length)[index];

    /// <summary>Makes room for <paramref name="length"/> elements (zeroed when new); a no-op when there is room.</summary>
    public unsafe void Ensure(int length)
    {
        if (Length >= length)
        {
            return;
        }

        var array = GC.AllocateArray<float>(length + Alignment / sizeof(float) - 1, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        _offset = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(float);
        _array = array;
        Length = length;
    }
}
