using Modular.Api.Models;

namespace Modular.Cli.Formatting;

/// <summary>docker port's lines: "80/tcp -> 0.0.0.0:8080" for every binding (or just the host address when one
/// port is asked for), in natural order.</summary>
internal static class PortLines
{
    public static List<string> All(IReadOnlyDictionary<string, List<PortBinding>?> ports)
    {
        var lines = new List<string>();
        foreach (var (port, bindings) in ports)
            foreach (var binding in bindings ?? [])
                lines.Add($"{port} -> {HostAddress(binding)}");
        lines.Sort(NaturalOrder.Compare);
        return lines;
    }

    public static List<string> For(IReadOnlyList<PortBinding> bindings)
    {
        var lines = bindings.Select(HostAddress).ToList();
        lines.Sort(NaturalOrder.Compare);
        return lines;
    }

    /// <summary>Go's net.JoinHostPort: IPv6 hosts in brackets.</summary>
    public static string HostAddress(PortBinding binding) =>
        binding.HostIp.Contains(':') ? $"[{binding.HostIp}]:{binding.HostPort}" : $"{binding.HostIp}:{binding.HostPort}";
}

/// <summary>fvbommel/sortorder's NaturalLess: digits sort before other characters, runs of digits compare by value,
/// everything else character by character.</summary>
internal static class NaturalOrder
{
    public static int Compare(string? left, string? right)
    {
        left ??= "";
        right ??= "";
        int i = 0, j = 0;
        while (i < left.Length && j < right.Length)
        {
            var leftDigit = char.IsAsciiDigit(left[i]);
            if (leftDigit != char.IsAsciiDigit(right[j]))
                return leftDigit ? -1 : 1;
            if (leftDigit)
            {
                var startI = i;
                var startJ = j;
                while (i < left.Length && left[i] == '0') i++;
                while (j < right.Length && right[j] == '0') j++;
                var digitsI = i;
                var digitsJ = j;
                while (i < left.Length && char.IsAsciiDigit(left[i])) i++;
                while (j < right.Length && char.IsAsciiDigit(right[j])) j++;
                var numberI = left[digitsI..i];
                var numberJ = right[digitsJ..j];
                if (numberI.Length != numberJ.Length)
                    return numberI.Length.CompareTo(numberJ.Length);
                var byValue = string.CompareOrdinal(numberI, numberJ);
                if (byValue != 0)
                    return byValue;
                // Equal values: fewer leading zeros first.
                if (digitsI - startI != digitsJ - startJ)
                    return (digitsI - startI).CompareTo(digitsJ - startJ);
                continue;
            }
            if (left[i] != right[j])
                return left[i].CompareTo(right[j]);
            i++;
            j++;
        }
        return left.Length.CompareTo(right.Length);
    }
}
