using System;
using System.Globalization;
using System.Linq;

namespace TensorDsl.Spyre;

/// <summary>
/// A tensor's device layout in torch-spyre's <c>SpyreTensorLayout</c> vocabulary: the host <see cref="Size"/>, the
/// <see cref="DeviceSize"/> (the stick dimension split into a stick count and the 128-byte stick, which becomes the
/// innermost device dimension), the <see cref="DimMap"/> (for each device dimension, the host dimension it indexes:
/// the stick dimension appears twice), the <see cref="StrideMap"/> (for each device dimension, the host-element stride one
/// step along it covers; −1 where the host dimension has size 1), the <see cref="StickDim"/>, and the elements of
/// <see cref="StickPadding"/> added so the stick dimension fills whole sticks. The default (generic stick) layout: device size
/// <c>[s0, …, s(n−3), ⌈s(n−1)/E⌉, s(n−2), E]</c> with <c>E</c> elements per stick (64 fp16, 32 int32).
/// </summary>
public sealed record SpyreTensorLayout(
    string Name, string DeviceDtype, int[] Size, int[] DeviceSize, int[] DimMap, long[] StrideMap, int StickDim, int StickElements, int StickPadding)
{
    /// <summary>Bytes the device stores for the tensor (padding included).</summary>
    public long DeviceBytes => DeviceSize.Aggregate(1L, (a, b) => a * b) * (DeviceDtype == "float16" ? 2 : 4);

    /// <summary>The generic stick layout of a row-major host tensor, stick dimension last.</summary>
    public static SpyreTensorLayout Generic(string name, string deviceDtype, params int[] size)
    {
        if (size.Length == 0)
        {
            throw new ArgumentException("A layout needs at least one dimension.", nameof(size));
        }

        int elements = deviceDtype == "float16" ? SpyreKernelSpec.StickElements : 32;
        int n = size.Length;
        int stickDim = n - 1;
        int sticks = (size[stickDim] + elements - 1) / elements;
        int padding = sticks * elements - size[stickDim];
        int[] deviceSize;
        int[] dimMap;
        if (n == 1)
        {
            deviceSize = new[] { sticks, elements };
            dimMap = new[] { 0, 0 };
        }
        else
        {
            deviceSize = size.Take(n - 2).Concat(new[] { sticks, size[n - 2], elements }).ToArray();
            dimMap = Enumerable.Range(0, n - 2).Concat(new[] { n - 1, n - 2, n - 1 }).ToArray();
        }

        return new SpyreTensorLayout(name, deviceDtype, (int[])size.Clone(), deviceSize, dimMap, StridesOf(size, deviceSize, dimMap), stickDim, elements, padding);
    }

    /// <summary>
    /// The host stride of each device dimension for a row-major host tensor, innermost first: a host dimension split
    /// over two device dimensions (the stick dimension: elements within a stick, then sticks) gives the inner one its own
    /// stride and the outer one the stride of a whole stick.
    /// </summary>
    private static long[] StridesOf(int[] size, int[] deviceSize, int[] dimMap)
    {
        var hostStrides = new long[size.Length];
        long stride = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            hostStrides[d] = stride;
            stride *= size[d];
        }

        var map = new long[deviceSize.Length];
        var next = new long[size.Length];
        Array.Fill(next, -1);
        for (int j = deviceSize.Length - 1; j >= 0; j--)
        {
            int d = dimMap[j];
            if (size[d] == 1)
            {
                map[j] = -1;
                continue;
            }

            map[j] = next[d] == -1 ? hostStrides[d] : next[d];
            next[d] = Math.Min(map[j] * deviceSize[j], hostStrides[d] * size[d]);
        }

        return map;
    }

    /// <summary>One JSON object (the sample writes these next to the emitted module).</summary>
    public string ToJson() => string.Create(CultureInfo.InvariantCulture,
        $"{{\"name\": \"{Name}\", \"device_dtype\": \"{DeviceDtype}\", \"size\": [{string.Join(", ", Size)}], \"device_size\": [{string.Join(", ", DeviceSize)}], \"dim_map\": [{string.Join(", ", DimMap)}], \"stride_map\": [{string.Join(", ", StrideMap)}], \"stick_dim\": {StickDim}, \"stick_elements\": {StickElements}, \"stick_padding\": {StickPadding}, \"device_bytes\": {DeviceBytes}}}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} {DeviceDtype} [{string.Join(", ", Size)}] → device_size [{string.Join(", ", DeviceSize)}], dim_map [{string.Join(", ", DimMap)}], stride_map [{string.Join(", ", StrideMap)}], stick dim {StickDim}, padding {StickPadding}");
}
