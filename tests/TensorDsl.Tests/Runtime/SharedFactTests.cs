using System.Linq;
using System.Reflection;
using TensorDsl.Cpu;

namespace TensorDsl.Tests.Runtime;

/// <summary>Where a fact must be spelled out twice (unrolled fields), a test holds the copies to the one definition.</summary>
public sealed class SharedFactTests
{
    [Fact]
    public void ScoreInputsHasOneSideTensorFieldPerSlot()
    {
        var sides = typeof(ScoreInputs).GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => f.FieldType == typeof(SideTensor))
            .Select(f => f.Name)
            .ToArray();
        Assert.Equal(Enumerable.Range(0, ScoreInputs.Slots).Select(i => "Side" + i), sides);
        Assert.Equal(4, ScoreInputs.Slots);
    }
}
