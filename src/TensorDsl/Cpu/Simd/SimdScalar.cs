using System;
using System.Runtime.CompilerServices;

namespace TensorDsl.Cpu.Simd;

/// <summary>One float per "vector": the path taken when no vector hardware is enabled (DOTNET_EnableHWIntrinsic=0).</summary>
internal readonly struct SimdScalar : ISimd<float>
{
    public static int Count => 1;

    public static bool ManyRegisters => false;

    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source) => source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination) => destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Add(float left, float right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float left, float right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float left, float right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float left, float right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float a, float b, float c) => FusedMultiplyAdd.Scalar(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Max(float left, float right) => left > right ? left : right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float value) => MathF.Round(value, MidpointRounding.ToEven);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ScaleByPow2(float value, float n) => value * BitConverter.Int32BitsToSingle(((int)n + 127) << 23);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Min(float left, float right) => left < right ? left : right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectLess(float left, float right, float ifTrue, float ifFalse) => left < right ? ifTrue : ifFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SelectEqual(float left, float right, float ifTrue, float ifFalse) => left == right ? ifTrue : ifFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AnyZero(float value) => value == 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllFinite(float value) => float.IsFinite(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadHalf(ref ushort source) => (float)BitConverter.UInt16BitsToHalf(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadFiniteHalf(ref ushort source) => (float)BitConverter.UInt16BitsToHalf(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadScaledHalf(ref ushort source) => (float)BitConverter.UInt16BitsToHalf(source) * ScaledHalf.Unbias;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LoadBFloat16(ref ushort source) => BitConverter.Int32BitsToSingle(source << 16);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums4(float a0, float a1, float a2, float a3, ref float destination)
    {
        destination = a0;
        Unsafe.Add(ref destination, 1) = a1;
        Unsafe.Add(ref destination, 2) = a2;
        Unsafe.Add(ref destination, 3) = a3;
    }
}
