namespace SaasExporter.Hosting;

internal static class Help
{
    public static int Print(TextWriter writer, int exitCode, string? error = null)
    {
        if (error is not null)
        {
            writer.WriteLine($"saas-exporter: {error}");
        }

        writer.WriteLine(CommandLine.Usage);
        return exitCode;
    }

    /// <summary>Prints configuration problems, one line each, and returns the exit code for invalid input.</summary>
    public static int ConfigurationErrors(IReadOnlyList<string> errors)
    {
        foreach (var error in errors)
        {
            Console.Error.WriteLine($"saas-exporter: config: {error}");
        }

        return ExitCodes.Invalid;
    }

    /// <summary>An exception nothing else handled: one line naming its type and message, and exit code 2.</summary>
    public static int Fatal(Exception exception)
    {
        var inner = exception.GetBaseException();
        var detail = inner == exception ? exception.Message : $"{exception.Message} ({inner.Message})";
        Console.Error.WriteLine($"saas-exporter: fatal: {exception.GetType().Name}: {detail.ReplaceLineEndings(" ")}");
        return ExitCodes.Invalid;
    }
}
