using System;
using System.IO;
using System.Linq;

namespace TensorDsl.Package.Tests.Infrastructure;

/// <summary>
/// A fact that needs the NativeAOT toolchain. On Linux the ILCompiler links with clang and needs zlib's headers
/// (Debian: clang zlib1g-dev; .ci/run installs them); without clang on PATH the test is skipped and says so. On other
/// systems it runs (their toolchains are the platform's own).
/// </summary>
public sealed class NativeAotFactAttribute : FactAttribute
{
    public NativeAotFactAttribute()
    {
        if (OperatingSystem.IsLinux() && !OnPath("clang"))
        {
            Skip = "NativeAOT publishing on Linux needs clang and zlib1g-dev (apt-get install clang zlib1g-dev); clang is not on PATH";
        }
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, tool)));
}
