using System;
using System.Globalization;
using System.Linq;

namespace TensorDsl.Spyre;

/// <summary>
/// A tensor's device layout in torch-spyre's <c>SpyreTensorLayout</c> vocabulary, by the generic stick rule of
/// torch-spyre commit 859df83 (<c>SpyreTensorLayout::init</c> in torch_spyre/csrc/spyre_tensor_impl.cpp, and
/// tests/tensor/test_tensor_layout.py; docs/spyre.md#layouts): the innermost host dimension is the stick dimension,
/// split into a stick count — the <b>outermost</b> device dimension — and the stick of <c>E</c> elements (128 bytes:
/// 64 fp16, 32 int32), the innermost; the other host dimensions keep their order in between. So
/// <see cref="DeviceSize"/> is <c>[⌈s(n−1)/E⌉, s0, …, s(n−2), E]</c>, <see cref="DimMap"/> (the host dimension each device
/// dimension indexes) <c>[n−1, 0, …, n−2, n−1]</c>, and <see cref="DeviceStrides"/> the row-major strides of the device
/// size. Two fields are this project's, not torch-spyre's: <see cref="StrideMap"/>, the host-element stride of one step
/// along each device dimension (<c>E</c> for the stick count, 1 within a stick), and <see cref="StickPadding"/>, the
/// elements added to fill the last stick.
/// </summary>
public sealed record SpyreTensorLayout(
    string Name, string DeviceDtype, int[] Size, int[] DeviceSize, long[] DeviceStrides, int[] DimMap, long[] StrideMap, int StickDim, int StickElements, int StickPadding)
{
    /// <summary>Bytes the device stores for the tensor (padding included).</summary>
    public long DeviceBytes => DeviceSize.Aggregate(1L, (a, b) => a * b) * (DeviceDtype == "float16" ? 2 : 4);

    /// <summary>The generic stick layout of a row-major host tensor, stick dimension last (dim order 0 … n−1).</summary>
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
        var deviceSize = new[] { sticks }.Concat(size.Take(n - 1)).Append(elements).ToArray();
        var dimMap = new[] { stickDim }.Concat(Enumerable.Range(0, n - 1)).Append(stickDim).ToArray();

        var deviceStrides = new long[deviceSize.Length];
        long stride = 1;
        for (int j = deviceSize.Length - 1; j >= 0; j--)
        {
            deviceStrides[j] = stride;
            stride *= deviceSize[j];
        }

        var hostStrides = new long[n];
        stride = 1;
        for (int d = n - 1; d >= 0; d--)
        {
            hostStrides[d] = stride;
            stride *= size[d];
        }

        var strideMap = new long[deviceSize.Length];
        strideMap[0] = elements * hostStrides[stickDim];
        for (int j = 1; j < deviceSize.Length - 1; j++)
        {
            strideMap[j] = hostStrides[dimMap[j]];
        }

        strideMap[^1] = hostStrides[stickDim];
        return new SpyreTensorLayout(name, deviceDtype, (int[])size.Clone(), deviceSize, deviceStrides, dimMap, strideMap, stickDim, elements, padding);
    }

    /// <summary>One JSON object (the sample writes these next to the emitted module).</summary>
    public string ToJson() => string.Create(CultureInfo.InvariantCulture,
        $"{{\"name\": \"{Name}\", \"device_dtype\": \"{DeviceDtype}\", \"size\": [{string.Join(", ", Size)}], \"device_size\": [{string.Join(", ", DeviceSize)}], \"device_strides\": [{string.Join(", ", DeviceStrides)}], \"dim_map\": [{string.Join(", ", DimMap)}], \"stride_map\": [{string.Join(", ", StrideMap)}], \"stick_dim\": {StickDim}, \"stick_elements\": {StickElements}, \"stick_padding\": {StickPadding}, \"device_bytes\": {DeviceBytes}}}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name} {DeviceDtype} [{string.Join(", ", Size)}] → device_size [{string.Join(", ", DeviceSize)}], device_strides [{string.Join(", ", DeviceStrides)}], dim_map [{string.Join(", ", DimMap)}], stride_map [{string.Join(", ", StrideMap)}], stick dim {StickDim}, padding {StickPadding}");
}
