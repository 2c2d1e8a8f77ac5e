namespace SaasExporter.Hosting;

public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>A poll or the database failed at run time.</summary>
    public const int Failed = 1;

    /// <summary>Bad configuration, bad arguments, or a database that breaks the contract.</summary>
    public const int Invalid = 2;
}
