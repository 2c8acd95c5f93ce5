using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;

namespace TensorDsl.Bench.Torch;

/// <summary>
/// Makes TorchSharp 0.107's native glue load on a libstdc++ older than GCC 13's (Debian 12 has GCC 12's).
/// <c>libLibTorchSharp.so</c> was built with GCC 13, whose &lt;iostream&gt; leaves one reference to
/// <c>std::ios_base_library_init()</c> at version <c>GLIBCXX_3.4.32</c>; the symbol has no relocation (it is never
/// called: GCC 13 only references it to pull iostream's initialisation in, which an older libstdc++ does itself),
/// but the dynamic loader refuses the library because the version is missing. Marking that one version need weak
/// (<c>VER_FLG_WEAK</c> in <c>.gnu.version_r</c>) turns the refusal into nothing; LibTorch itself
/// (<c>libtorch_cpu.so</c>) needs no such version. Done only when the library does not load as it is, on this
/// program's own copy in its output folder, and said on the console.
/// </summary>
internal static class NativeLoad
{
    private const string Missing = "GLIBCXX_3.4.32";

    public static void Prepare()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string path = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(path) || NativeLibrary.TryLoad(path, out _))
        {
            return;
        }

        if (WeakenVersionNeed(path, Missing))
        {
            Console.WriteLine(
                $"TorchSharp: {path} did not load (this libstdc++ has no {Missing}); marked that version need weak (see NativeLoad.cs)");
        }
    }

    /// <summary>Sets <c>VER_FLG_WEAK</c> on the <c>.gnu.version_r</c> entry named <paramref name="version"/> of an ELF64 little-endian file.</summary>
    private static bool WeakenVersionNeed(string path, string version)
    {
        byte[] data = File.ReadAllBytes(path);
        if (data.Length < 64 || data[0] != 0x7f || data[1] != (byte)'E' || data[4] != 2 || data[5] != 1)
        {
            return false;
        }

        long sectionTable = (long)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x3A));
        int sections = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(0x3C));
        const uint VersionNeeds = 0x6ffffffe; // SHT_GNU_verneed
        const ushort Weak = 2;                // VER_FLG_WEAK
        bool changed = false;
        for (int i = 0; i < sections; i++)
        {
            var header = data.AsSpan((int)(sectionTable + i * entrySize));
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != VersionNeeds)
            {
                continue;
            }

            int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x2C..]); // sh_info: number of entries
            int strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan((int)(sectionTable + link * entrySize) + 0x18));
            int need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(need + 2));
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(need + 8));
                for (int a = 0; a < auxCount; a++)
                {
                    int name = strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(aux + 8));
                    int end = Array.IndexOf(data, (byte)0, name);
                    if (Encoding.ASCII.GetString(data, name, end - name) == version)
                    {
                        ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(aux + 4));
                        BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(aux + 4), (ushort)(flags | Weak));
                        changed = true;
                    }

                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(aux + 12));
                }

                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(need + 12));
            }
        }

        if (changed)
        {
            File.WriteAllBytes(path, data);
        }

        return changed;
    }
}
